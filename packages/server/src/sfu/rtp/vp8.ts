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
