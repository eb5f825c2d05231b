/** A one-byte RTP header extension element (RFC 8285 §4.2): its id and a value of 1–16 bytes. */
export interface HeaderExtension {
  id: number;
  /** Called per packet, so it can change (e.g. the audio level); a number is one byte. */
  value: () => Buffer | number;
}

/** Builds outgoing RTP packets for one stream (what a browser's packetizer would do). */
export class RtpWriter {
  readonly ssrc: number;
  readonly payloadType: number;
  sequence = Math.floor(Math.random() * 0x10000);
  timestamp = Math.floor(Math.random() * 0x100000000);
  /** Optional one-byte header extension written into every packet (e.g. audio level). */
  extension: HeaderExtension | null = null;
  /** Further extensions written after `extension` (e.g. mid and rid on simulcast layers). */
  extensions: HeaderExtension[] = [];

  constructor(ssrc: number, payloadType: number) {
    this.ssrc = ssrc;
    this.payloadType = payloadType;
  }

  packet(payload: Buffer, marker: boolean): Buffer {
    const elements = this.#extensionElements();
    const out = Buffer.allocUnsafe(12 + elements.length + payload.length);
    out[0] = elements.length ? 0x90 : 0x80;
    out[1] = (marker ? 0x80 : 0) | this.payloadType;
    out.writeUInt16BE(this.sequence, 2);
    out.writeUInt32BE(this.timestamp >>> 0, 4);
    out.writeUInt32BE(this.ssrc, 8);
    elements.copy(out, 12);
    payload.copy(out, 12 + elements.length);
    this.sequence = (this.sequence + 1) & 0xffff;
    return out;
  }

  /** The extension block (0xBEDE header, elements, zero padding to 32 bits), or empty. */
  #extensionElements(): Buffer {
    const all = this.extension ? [this.extension, ...this.extensions] : this.extensions;
    if (!all.length) return Buffer.alloc(0);
    const values = all.map((e) => {
      const v = e.value();
      return typeof v === 'number' ? Buffer.of(v & 0xff) : v;
    });
    const bytes = values.reduce((n, v) => n + 1 + v.length, 0);
    const words = Math.ceil(bytes / 4);
    const block = Buffer.alloc(4 + words * 4);
    block.writeUInt16BE(0xbede, 0);
    block.writeUInt16BE(words, 2);
    let offset = 4;
    all.forEach((e, i) => {
      const v = values[i] as Buffer;
      block[offset++] = (e.id << 4) | (v.length - 1);
      offset += v.copy(block, offset);
    });
    return block;
  }

  advance(ticks: number): void {
    this.timestamp = (this.timestamp + ticks) >>> 0;
  }
}
