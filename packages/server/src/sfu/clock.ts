/**
 * The SFU's one clock: monotonic milliseconds with sub-millisecond resolution. Every time stamp
 * the SFU compares (arrivals, sends, liveness, speakers) comes from here, read once per incoming
 * packet and passed along, so clocks never mix and the hot path pays for one read.
 */
export const monotonicNow = (): number => performance.now();
