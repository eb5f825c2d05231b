/** Builds outgoing RTP packets for one stream (what a browser's packetizer would do). */
export class RtpWriter {
  readonly ssrc: number;
  readonly payloadType: number;
  sequence = Math.floor(Math.random() * 0x10000);
  timestamp = Math.floor(Math.random() * 0x100000000);
  /** Optional one-byte header extension written into every packet (e.g. audio level). */
  extension: { id: number; value: () => number } | null = null;

  constructor(ssrc: number, payloadType: number) {
    this.ssrc = ssrc;
    this.payloadType = payloadType;
  }

  packet(payload: Buffer, marker: boolean): Buffer {
    const extLength = this.extension ? 8 : 0;
    const out = Buffer.allocUnsafe(12 + extLength + payload.length);
    out[0] = this.extension ? 0x90 : 0x80;
    out[1] = (marker ? 0x80 : 0) | this.payloadType;
    out.writeUInt16BE(this.sequence, 2);
    out.writeUInt32BE(this.timestamp >>> 0, 4);
    out.writeUInt32BE(this.ssrc, 8);
    if (this.extension) {
      out.writeUInt16BE(0xbede, 12);
      out.writeUInt16BE(1, 14);
      out[16] = (this.extension.id << 4) | 0; // length 1
      out[17] = this.extension.value() & 0xff;
      out[18] = 0;
      out[19] = 0;
    }
    payload.copy(out, 12 + extLength);
    this.sequence = (this.sequence + 1) & 0xffff;
    return out;
  }

  advance(ticks: number): void {
    this.timestamp = (this.timestamp + ticks) >>> 0;
  }
}
