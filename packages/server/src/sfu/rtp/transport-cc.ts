/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1): RTCP RTPFB with FMT 15, telling the sender when each transport-wide sequence number
 * arrived. Built for publishers (so their bandwidth estimate can grow and simulcast layers turn
 * on) and parsed from subscribers (for our own estimate of their downlink).
 */
import { MAX_FEEDBACK_PACKETS, RTCP_RTPFB } from './rtcp.ts';

export const TRANSPORT_CC_FMT = 15;

/** One packet in a feedback: its transport-wide sequence number and arrival time (ms), or lost. */
export interface PacketArrival {
  sequence: number;
  /** Arrival time in ms on the receiver's clock; null = not received. */
  arrivalMs: number | null;
}

const STATUS_NOT_RECEIVED = 0;
const STATUS_SMALL_DELTA = 1;
const STATUS_LARGE_DELTA = 2;
const DELTA_TICK_MS = 0.25;
const REFERENCE_TICK_MS = 64;

/**
 * Builds one feedback packet for consecutive sequence numbers starting at `packets[0].sequence`
 * (entries must be consecutive, mod 2^16). The first entry should be received (it anchors the
 * reference time). Uses two-bit status vector chunks (7 packets per chunk).
 */
export function buildTransportCcFeedback(
  senderSsrc: number,
  mediaSsrc: number,
  feedbackCount: number,
  packets: readonly PacketArrival[],
): Buffer {
  const first = packets.find((p) => p.arrivalMs !== null);
  const referenceTicks = first ? Math.floor((first.arrivalMs as number) / REFERENCE_TICK_MS) : 0;
  let previousMs = referenceTicks * REFERENCE_TICK_MS;
  const statuses: number[] = [];
  const deltas: number[] = [];
  for (const packet of packets) {
    if (packet.arrivalMs === null) {
      statuses.push(STATUS_NOT_RECEIVED);
      continue;
    }
    let ticks = Math.round((packet.arrivalMs - previousMs) / DELTA_TICK_MS);
    ticks = Math.max(-32768, Math.min(32767, ticks));
    previousMs += ticks * DELTA_TICK_MS;
    statuses.push(ticks >= 0 && ticks <= 255 ? STATUS_SMALL_DELTA : STATUS_LARGE_DELTA);
    deltas.push(ticks);
  }
  const chunkCount = Math.ceil(statuses.length / 7);
  let deltaBytes = 0;
  for (const status of statuses) {
    if (status === STATUS_SMALL_DELTA) deltaBytes += 1;
    else if (status === STATUS_LARGE_DELTA) deltaBytes += 2;
  }
  const unpadded = 20 + chunkCount * 2 + deltaBytes;
  const length = Math.ceil(unpadded / 4) * 4;
  const b = Buffer.alloc(length);
  const padding = length - unpadded;
  b[0] = 0x80 | (padding ? 0x20 : 0) | TRANSPORT_CC_FMT;
  b[1] = RTCP_RTPFB;
  b.writeUInt16BE(length / 4 - 1, 2);
  b.writeUInt32BE(senderSsrc >>> 0, 4);
  b.writeUInt32BE(mediaSsrc >>> 0, 8);
  b.writeUInt16BE((packets[0]?.sequence ?? 0) & 0xffff, 12);
  b.writeUInt16BE(statuses.length, 14);
  b.writeIntBE(((referenceTicks + 0x800000) & 0xffffff) - 0x800000, 16, 3);
  b[19] = feedbackCount & 0xff;
  let offset = 20;
  for (let c = 0; c < chunkCount; c++) {
    let chunk = 0xc000;
    for (let i = 0; i < 7; i++) chunk |= (statuses[c * 7 + i] ?? 0) << (12 - 2 * i);
    b.writeUInt16BE(chunk, offset);
    offset += 2;
  }
  let d = 0;
  for (const status of statuses) {
    if (status === STATUS_NOT_RECEIVED) continue;
    const ticks = deltas[d++] as number;
    if (status === STATUS_SMALL_DELTA) b[offset++] = ticks;
    else {
      b.writeInt16BE(ticks, offset);
      offset += 2;
    }
  }
  if (padding) b[length - 1] = padding;
  return b;
}

export interface TransportCcFeedback {
  mediaSsrc: number;
  baseSequence: number;
  feedbackCount: number;
  /** In sequence order from the base; arrival times in ms relative to the reference time's epoch. */
  packets: PacketArrival[];
}

/** The most packets one feedback (and one compound RTCP packet) may report: see rtcp.ts. */
export { MAX_FEEDBACK_PACKETS };

/** Parses a transport-cc feedback packet that starts at `offset`; null when malformed or too large. */
export function parseTransportCcFeedback(packet: Buffer, offset = 0): TransportCcFeedback | null {
  if (packet.length < offset + 20) return null;
  const size = (packet.readUInt16BE(offset + 2) + 1) * 4;
  const end = offset + size;
  if (size < 20 || end > packet.length) return null;
  if (((packet[offset] as number) & 0x1f) !== TRANSPORT_CC_FMT || packet[offset + 1] !== RTCP_RTPFB) return null;
  const baseSequence = packet.readUInt16BE(offset + 12);
  const count = packet.readUInt16BE(offset + 14);
  const referenceMs = packet.readIntBE(offset + 16, 3) * REFERENCE_TICK_MS;
  const feedbackCount = packet[offset + 19] as number;
  if (count > MAX_FEEDBACK_PACKETS) return null;
  const statuses: number[] = [];
  let i = offset + 20;
  while (statuses.length < count) {
    if (i + 2 > end) return null;
    const chunk = packet.readUInt16BE(i);
    i += 2;
    if ((chunk & 0x8000) === 0) {
      const symbol = (chunk >> 13) & 0x03;
      const run = chunk & 0x1fff;
      for (let k = 0; k < run && statuses.length < count; k++) statuses.push(symbol);
    } else if ((chunk & 0x4000) === 0) {
      for (let k = 0; k < 14 && statuses.length < count; k++) statuses.push((chunk >> (13 - k)) & 0x01);
    } else {
      for (let k = 0; k < 7 && statuses.length < count; k++) statuses.push((chunk >> (12 - 2 * k)) & 0x03);
    }
  }
  const packets: PacketArrival[] = [];
  let timeMs = referenceMs;
  for (let k = 0; k < count; k++) {
    const status = statuses[k] as number;
    const sequence = (baseSequence + k) & 0xffff;
    if (status === STATUS_NOT_RECEIVED) {
      packets.push({ sequence, arrivalMs: null });
      continue;
    }
    if (status === STATUS_SMALL_DELTA) {
      if (i + 1 > end) return null;
      timeMs += (packet[i] as number) * DELTA_TICK_MS;
      i += 1;
    } else {
      if (i + 2 > end) return null;
      timeMs += packet.readInt16BE(i) * DELTA_TICK_MS;
      i += 2;
    }
    packets.push({ sequence, arrivalMs: timeMs });
  }
  return { mediaSsrc: packet.readUInt32BE(offset + 8), baseSequence, feedbackCount, packets };
}
