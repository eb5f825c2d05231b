/** 16-bit RTP sequence arithmetic (RFC 3550 wrap-around). */

export function seqAdd(a: number, b: number): number {
  return (a + b) & 0xffff;
}

/** Signed distance from `a` to `b`, in -32768..32767. */
export function seqDelta(a: number, b: number): number {
  const d = (b - a) & 0xffff;
  return d >= 0x8000 ? d - 0x10000 : d;
}

/** True when `b` comes after `a`. */
export function seqNewer(a: number, b: number): boolean {
  return seqDelta(a, b) > 0;
}
