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

/**
 * A 16-bit sequence number extended into the cycle closest to `highestExtended`, an earlier
 * extended value, so that wrap-around and reordering both come out right.
 */
export function unwrapSequence(highestExtended: number, sequence: number): number {
  let extended = highestExtended - (highestExtended & 0xffff) + sequence;
  if (extended - highestExtended > 0x8000) extended -= 0x10000;
  else if (highestExtended - extended > 0x8000) extended += 0x10000;
  return extended;
}

/** First packets start one cycle up, so that earlier (reordered) ones never go negative. */
export const FIRST_CYCLE = 0x10000;
