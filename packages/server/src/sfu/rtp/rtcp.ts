/** RTCP parsing and building for what an SFU needs (RFC 3550, RFC 4585, RFC 5104). */

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_RTPFB = 205;
export const RTCP_PSFB = 206;

export type RtcpFeedback =
  | { type: 'pli'; mediaSsrc: number }
  | { type: 'fir'; mediaSsrc: number }
  | { type: 'nack'; mediaSsrc: number; sequences: number[] }
  | { type: 'sr'; ssrc: number; ntpSeconds: number; ntpFraction: number; rtpTimestamp: number; offset: number }
  /** Transport-wide congestion control feedback; parse it with parseTransportCcFeedback at `offset`. */
  | { type: 'transport-cc'; offset: number };

/**
 * Lost packets one RTCP packet may ask for, in all (docs/reliability.md): a receiver that lost more
 * than this in one feedback interval needs a key frame, not retransmissions. It bounds the work
 * one small packet can cause (each 4-byte NACK item names up to 17 packets).
 */
export const MAX_NACKED_PER_PACKET = 64;

/**
 * The most packets transport-cc feedback may report, in one feedback and in all the feedback of
 * one compound RTCP packet (docs/reliability.md). Chrome reports every ~50–100 ms; even 16 videos
 * at 200 packets/s each stay far below. A run-length chunk lets 2 bytes claim 8 191 packets, so
 * without a cap a 36-byte feedback could make us build 65 535 entries — and a 1 500-byte compound
 * packet of 62 feedbacks, each under the cap, 250 000 (found by fuzzing).
 */
export const MAX_FEEDBACK_PACKETS = 4096;

/**
 * Splits a compound RTCP packet into the feedback the SFU acts on. Unknown or malformed parts are
 * skipped; never throws. NACKs name at most MAX_NACKED_PER_PACKET packets in all, transport-cc
 * feedbacks claim at most MAX_FEEDBACK_PACKETS in all: later ones are dropped.
 */
export function parseRtcp(packet: Buffer): RtcpFeedback[] {
  const out: RtcpFeedback[] = [];
  let nacked = 0;
  let feedbackPackets = 0;
  let offset = 0;
  while (offset + 4 <= packet.length) {
    const b0 = packet[offset] as number;
    if (b0 >> 6 !== 2) break;
    const fmt = b0 & 0x1f;
    const type = packet[offset + 1] as number;
    const size = (packet.readUInt16BE(offset + 2) + 1) * 4;
    if (offset + size > packet.length) break;
    if (type === RTCP_SR && size >= 28) {
      out.push({
        type: 'sr',
        ssrc: packet.readUInt32BE(offset + 4),
        ntpSeconds: packet.readUInt32BE(offset + 8),
        ntpFraction: packet.readUInt32BE(offset + 12),
        rtpTimestamp: packet.readUInt32BE(offset + 16),
        offset,
      });
    } else if (type === RTCP_PSFB && size >= 12) {
      const mediaSsrc = packet.readUInt32BE(offset + 8);
      if (fmt === 1) out.push({ type: 'pli', mediaSsrc });
      else if (fmt === 4 && size >= 20) out.push({ type: 'fir', mediaSsrc: packet.readUInt32BE(offset + 12) });
    } else if (type === RTCP_RTPFB && fmt === 1 && size >= 16) {
      const mediaSsrc = packet.readUInt32BE(offset + 8);
      const sequences: number[] = [];
      for (let i = offset + 12; i + 4 <= offset + size && nacked + sequences.length < MAX_NACKED_PER_PACKET; i += 4) {
        const pid = packet.readUInt16BE(i);
        const blp = packet.readUInt16BE(i + 2);
        sequences.push(pid);
        for (let bit = 0; bit < 16; bit++) if (blp & (1 << bit)) sequences.push((pid + bit + 1) & 0xffff);
      }
      const allowed = sequences.slice(0, MAX_NACKED_PER_PACKET - nacked);
      nacked += allowed.length;
      out.push({ type: 'nack', mediaSsrc, sequences: allowed });
    } else if (type === RTCP_RTPFB && fmt === 15 && size >= 20) {
      // The packet status count: what parsing this feedback will cost. Over the budget, skipped.
      const count = packet.readUInt16BE(offset + 14);
      if (feedbackPackets + count <= MAX_FEEDBACK_PACKETS) {
        feedbackPackets += count;
        out.push({ type: 'transport-cc', offset });
      }
    }
    offset += size;
  }
  return out;
}

/** Picture Loss Indication (RFC 4585 §6.3.1): asks `mediaSsrc`'s sender for a key frame. */
export function buildPli(senderSsrc: number, mediaSsrc: number): Buffer {
  const b = Buffer.alloc(12);
  b[0] = 0x81;
  b[1] = RTCP_PSFB;
  b.writeUInt16BE(2, 2);
  b.writeUInt32BE(senderSsrc >>> 0, 4);
  b.writeUInt32BE(mediaSsrc >>> 0, 8);
  return b;
}

/** Generic NACK (RFC 4585 §6.2.1) for the given lost sequence numbers. */
export function buildNack(senderSsrc: number, mediaSsrc: number, lost: readonly number[]): Buffer {
  const items: Array<[number, number]> = [];
  for (const seq of lost) {
    const last = items[items.length - 1];
    const delta = last ? (seq - last[0]) & 0xffff : 0;
    if (last && delta >= 1 && delta <= 16) last[1] |= 1 << (delta - 1);
    else items.push([seq & 0xffff, 0]);
  }
  const b = Buffer.alloc(12 + items.length * 4);
  b[0] = 0x81;
  b[1] = RTCP_RTPFB;
  b.writeUInt16BE(2 + items.length, 2);
  b.writeUInt32BE(senderSsrc >>> 0, 4);
  b.writeUInt32BE(mediaSsrc >>> 0, 8);
  items.forEach(([pid, blp], i) => {
    b.writeUInt16BE(pid, 12 + i * 4);
    b.writeUInt16BE(blp, 14 + i * 4);
  });
  return b;
}

export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the previous report, 0-255. */
  fractionLost: number;
  /** Cumulative packets lost (24-bit signed). */
  cumulativeLost: number;
  extendedHighestSequence: number;
  jitter: number;
  /** Middle 32 bits of the last SR's NTP time, or 0. */
  lastSr: number;
  /** Delay since that SR in 1/65536 s, or 0. */
  delaySinceLastSr: number;
}

/** Receiver Report (RFC 3550 §6.4.2) with up to 31 report blocks. */
export function buildReceiverReport(senderSsrc: number, blocks: readonly ReportBlock[]): Buffer {
  const count = Math.min(blocks.length, 31);
  const b = Buffer.alloc(8 + count * 24);
  b[0] = 0x80 | count;
  b[1] = RTCP_RR;
  b.writeUInt16BE(1 + count * 6, 2);
  b.writeUInt32BE(senderSsrc >>> 0, 4);
  for (let i = 0; i < count; i++) {
    const block = blocks[i] as ReportBlock;
    const o = 8 + i * 24;
    b.writeUInt32BE(block.ssrc >>> 0, o);
    b[o + 4] = block.fractionLost & 0xff;
    b.writeIntBE(Math.max(-0x800000, Math.min(0x7fffff, block.cumulativeLost)), o + 5, 3);
    b.writeUInt32BE(block.extendedHighestSequence >>> 0, o + 8);
    b.writeUInt32BE(block.jitter >>> 0, o + 12);
    b.writeUInt32BE(block.lastSr >>> 0, o + 16);
    b.writeUInt32BE(block.delaySinceLastSr >>> 0, o + 20);
  }
  return b;
}

/**
 * A publisher's Sender Report re-addressed to a subscriber: new SSRC, RTP timestamp shifted into
 * the subscriber's timeline, report blocks dropped (they describe the publisher's own reception).
 */
export function rewriteSenderReport(packet: Buffer, srOffset: number, ssrc: number, timestampOffset: number): Buffer {
  const b = Buffer.alloc(28);
  packet.copy(b, 0, srOffset, srOffset + 28);
  b[0] = 0x80;
  b.writeUInt16BE(6, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  b.writeUInt32BE((b.readUInt32BE(16) + timestampOffset) >>> 0, 16);
  return b;
}
