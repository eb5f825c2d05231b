/**
 * A reusable, allocation-free view of one RTP packet's header (RFC 3550 §5.1). `reset` re-points
 * it at a new buffer; the SFU keeps one per hot path instead of allocating an object per packet.
 */
export class RtpView {
  buffer: Buffer = Buffer.alloc(0);
  payloadType = 0;
  marker = false;
  sequence = 0;
  timestamp = 0;
  ssrc = 0;
  /** Offset of the header extension block's first element (after its 4-byte header), or -1. */
  extensionStart = -1;
  extensionEnd = -1;
  /** 0xbede (one-byte) or 0x1000 (two-byte) extension profile. */
  extensionProfile = 0;
  payloadOffset = 0;
  /** Payload length without padding. */
  payloadLength = 0;

  /** Parses `buffer`; false when it is not a well-formed RTP packet. */
  reset(buffer: Buffer): boolean {
    const length = buffer.length;
    if (length < 12) return false;
    const b0 = buffer[0] as number;
    if (b0 >> 6 !== 2) return false;
    const b1 = buffer[1] as number;
    this.buffer = buffer;
    this.marker = (b1 & 0x80) !== 0;
    this.payloadType = b1 & 0x7f;
    this.sequence = buffer.readUInt16BE(2);
    this.timestamp = buffer.readUInt32BE(4);
    this.ssrc = buffer.readUInt32BE(8);
    let offset = 12 + (b0 & 0x0f) * 4;
    this.extensionStart = -1;
    this.extensionEnd = -1;
    this.extensionProfile = 0;
    if (b0 & 0x10) {
      if (offset + 4 > length) return false;
      this.extensionProfile = buffer.readUInt16BE(offset);
      const words = buffer.readUInt16BE(offset + 2);
      this.extensionStart = offset + 4;
      this.extensionEnd = this.extensionStart + words * 4;
      offset = this.extensionEnd;
    }
    let end = length;
    if (b0 & 0x20) {
      const padding = buffer[length - 1] as number;
      if (padding === 0) return false;
      end -= padding;
    }
    if (offset > end) return false;
    this.payloadOffset = offset;
    this.payloadLength = end - offset;
    return true;
  }

  /** The value bytes of header extension `id` (RFC 8285), or null when absent. */
  extension(id: number): Buffer | null {
    const buffer = this.buffer;
    let i = this.extensionStart;
    if (i < 0 || id <= 0) return null;
    const end = this.extensionEnd;
    const oneByte = this.extensionProfile === 0xbede;
    if (!oneByte && (this.extensionProfile & 0xfff0) !== 0x1000) return null;
    while (i < end) {
      const first = buffer[i] as number;
      if (first === 0) {
        i++; // padding
        continue;
      }
      let elementId: number;
      let size: number;
      if (oneByte) {
        elementId = first >> 4;
        size = (first & 0x0f) + 1;
        if (elementId === 15) return null;
        i += 1;
      } else {
        if (i + 1 >= end) return null;
        elementId = first;
        size = buffer[i + 1] as number;
        i += 2;
      }
      if (i + size > end) return null;
      if (elementId === id) return buffer.subarray(i, i + size);
      i += size;
    }
    return null;
  }

  payload(): Buffer {
    return this.buffer.subarray(this.payloadOffset, this.payloadOffset + this.payloadLength);
  }
}

/** True when a packet from a muxed RTP/RTCP stream is RTCP (RFC 5761 §4: PT 192-223). */
export function isRtcp(packet: Buffer): boolean {
  const pt = packet.length > 1 ? (packet[1] as number) : 0;
  return pt >= 192 && pt <= 223;
}

export interface RtpRewrite {
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

/** A transport-wide sequence number to write as a one-byte header extension (RFC 8285). */
export interface TransportSequence {
  extensionId: number;
  sequence: number;
}

/** Header bytes `writeRewritten` writes with a transport-wide sequence extension. */
export const HEADER_WITH_TRANSPORT_SEQUENCE = 20;

/**
 * Larger RTP packets are dropped on the way in (browsers send ≤ 1 200 bytes): every rewrite uses
 * one fixed scratch buffer, and caches hold at most this much per slot (docs/reliability.md).
 */
export const MAX_RTP_PACKET_BYTES = 1500;

/**
 * Writes `view`'s packet with a new header into `out` (12-byte header, no CSRCs, marker kept,
 * payload copied; the publisher's extensions are dropped, and our transport-wide sequence number
 * is written when given) and returns the slice to send. `out` must hold 20 + payload bytes.
 */
export function writeRewritten(
  view: RtpView,
  rewrite: RtpRewrite,
  out: Buffer,
  transport: TransportSequence | null = null,
): Buffer {
  out[0] = transport ? 0x90 : 0x80;
  out[1] = (view.marker ? 0x80 : 0) | (rewrite.payloadType & 0x7f);
  out.writeUInt16BE(rewrite.sequence & 0xffff, 2);
  out.writeUInt32BE(rewrite.timestamp >>> 0, 4);
  out.writeUInt32BE(rewrite.ssrc >>> 0, 8);
  let offset = 12;
  if (transport) {
    out.writeUInt32BE(0xbede0001, 12); // one-byte extensions, one 32-bit word
    out[16] = (transport.extensionId << 4) | 1; // two bytes of value
    out.writeUInt16BE(transport.sequence & 0xffff, 17);
    out[19] = 0;
    offset = 20;
  }
  view.buffer.copy(out, offset, view.payloadOffset, view.payloadOffset + view.payloadLength);
  return out.subarray(0, offset + view.payloadLength);
}

/**
 * Writes `view`'s packet as an RTX retransmission (RFC 4588 §4): the RTX stream's header, then the
 * original sequence number, then the original payload.
 */
export function writeRetransmission(view: RtpView, rewrite: RtpRewrite, originalSequence: number, out: Buffer): Buffer {
  out[0] = 0x80;
  out[1] = (view.marker ? 0x80 : 0) | (rewrite.payloadType & 0x7f);
  out.writeUInt16BE(rewrite.sequence & 0xffff, 2);
  out.writeUInt32BE(rewrite.timestamp >>> 0, 4);
  out.writeUInt32BE(rewrite.ssrc >>> 0, 8);
  out.writeUInt16BE(originalSequence & 0xffff, 12);
  view.buffer.copy(out, 14, view.payloadOffset, view.payloadOffset + view.payloadLength);
  return out.subarray(0, 14 + view.payloadLength);
}
