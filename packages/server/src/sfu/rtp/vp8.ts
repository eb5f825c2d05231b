/** Length of the VP8 payload descriptor at the start of an RTP payload (RFC 7741 §4.2); -1 if cut short. */
export function vp8DescriptorLength(payload: Buffer): number {
  if (payload.length < 1) return -1;
  const b0 = payload[0] as number;
  let offset = 1;
  if (b0 & 0x80) {
    if (payload.length < 2) return -1;
    const x = payload[1] as number;
    offset = 2;
    if (x & 0x80) {
      const pictureId = payload[offset] as number | undefined;
      if (pictureId === undefined) return -1;
      offset += pictureId & 0x80 ? 2 : 1;
    }
    if (x & 0x40) offset += 1;
    if (x & 0x30) offset += 1;
  }
  return offset <= payload.length ? offset : -1;
}

/** True when the payload starts partition 0 of a frame (S=1, PID=0). */
export function startsVp8Frame(payload: Buffer): boolean {
  return payload.length > 0 && ((payload[0] as number) & 0x17) === 0x10;
}

/**
 * Offset of the VP8 payload header when `payload` starts partition 0 of a frame (RFC 7741 §4.2:
 * S=1, PID=0), after the payload descriptor; -1 otherwise.
 */
function frameStartOffset(payload: Buffer): number {
  if (!startsVp8Frame(payload)) return -1;
  const offset = vp8DescriptorLength(payload);
  return offset >= 0 && offset < payload.length ? offset : -1;
}

/**
 * True when a VP8 RTP payload starts a key frame (RFC 7741 §4.2-4.3): the start of partition 0
 * and the inverse key frame bit P of the VP8 payload header is 0.
 */
export function isVp8KeyFrame(payload: Buffer): boolean {
  const offset = frameStartOffset(payload);
  return offset >= 0 && ((payload[offset] as number) & 0x01) === 0;
}

/**
 * Frame size from the first packet of a VP8 key frame (RFC 6386 §9.1: 3-byte frame tag, start
 * code 9d 01 2a, then 14-bit width and height), or null.
 */
export function vp8KeyFrameSize(payload: Buffer): { width: number; height: number } | null {
  const offset = frameStartOffset(payload);
  if (offset < 0 || ((payload[offset] as number) & 0x01) !== 0 || payload.length < offset + 10) return null;
  if (payload[offset + 3] !== 0x9d || payload[offset + 4] !== 0x01 || payload[offset + 5] !== 0x2a) return null;
  return { width: payload.readUInt16LE(offset + 6) & 0x3fff, height: payload.readUInt16LE(offset + 8) & 0x3fff };
}

/** Picture ID (15-bit space, RFC 7741 §4.2) and TL0PICIDX of a VP8 payload descriptor; -1 where absent. */
export interface Vp8Picture {
  pictureId: number;
  tl0PicIdx: number;
}

/** Reads the picture ID and TL0PICIDX of a VP8 payload descriptor into `out`; false if cut short. */
export function readVp8Picture(payload: Buffer, out: Vp8Picture): boolean {
  out.pictureId = -1;
  out.tl0PicIdx = -1;
  if (payload.length < 1) return false;
  if (!((payload[0] as number) & 0x80)) return true;
  if (payload.length < 2) return false;
  const x = payload[1] as number;
  let offset = 2;
  if (x & 0x80) {
    const high = payload[offset] as number | undefined;
    if (high === undefined) return false;
    if (high & 0x80) {
      if (payload.length < offset + 2) return false;
      out.pictureId = ((high & 0x7f) << 8) | (payload[offset + 1] as number);
      offset += 2;
    } else {
      out.pictureId = high;
      offset += 1;
    }
  }
  if (x & 0x40) {
    if (payload.length <= offset) return false;
    out.tl0PicIdx = payload[offset] as number;
  }
  return true;
}

/**
 * Adds `pictureIdOffset` (mod 2^15, or 2^7 for a 7-bit picture ID) and `tl0Offset` (mod 2^8) to
 * the picture ID and TL0PICIDX of the VP8 payload descriptor at `start` of `packet`, in place.
 */
export function shiftVp8Picture(packet: Buffer, start: number, pictureIdOffset: number, tl0Offset: number): void {
  if (packet.length < start + 2 || !((packet[start] as number) & 0x80)) return;
  const x = packet[start + 1] as number;
  let offset = start + 2;
  if (x & 0x80) {
    if (packet.length <= offset) return;
    const high = packet[offset] as number;
    if (high & 0x80) {
      if (packet.length < offset + 2) return;
      const id = (((high & 0x7f) << 8) | (packet[offset + 1] as number)) + pictureIdOffset;
      packet[offset] = 0x80 | ((id >> 8) & 0x7f);
      packet[offset + 1] = id & 0xff;
      offset += 2;
    } else {
      packet[offset] = (high + pictureIdOffset) & 0x7f;
      offset += 1;
    }
  }
  if (x & 0x40 && packet.length > offset) packet[offset] = ((packet[offset] as number) + tl0Offset) & 0xff;
}
