/**
 * True when a VP8 RTP payload starts a key frame (RFC 7741 §4.2-4.3): the start of partition 0
 * (S=1, PID=0) and the inverse key frame bit P of the VP8 payload header is 0.
 */
export function isVp8KeyFrame(payload: Buffer): boolean {
  if (payload.length < 1) return false;
  const b0 = payload[0] as number;
  const start = (b0 & 0x10) !== 0;
  const partition = b0 & 0x07;
  if (!start || partition !== 0) return false;
  let offset = 1;
  if (b0 & 0x80) {
    if (payload.length < 2) return false;
    const x = payload[1] as number;
    offset = 2;
    if (x & 0x80) {
      const pictureId = payload[offset] as number | undefined;
      if (pictureId === undefined) return false;
      offset += pictureId & 0x80 ? 2 : 1;
    }
    if (x & 0x40) offset += 1;
    if (x & 0x30) offset += 1;
  }
  const header = payload[offset];
  return header !== undefined && (header & 0x01) === 0;
}
