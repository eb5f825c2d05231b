/** What the SFU moved, since start (for /metrics): only ever grows. */
export interface Traffic {
  /** RTP packets received from publishers. */
  packetsIn: number;
  /** Packets publishers sent that never arrived (by sequence number). */
  packetsLost: number;
  /** RTP packets sent to receivers, and their bytes. */
  packetsOut: number;
  bytesOut: number;
  /** Packets resent to receivers after a NACK. */
  retransmissions: number;
}

export const noTraffic = (): Traffic => ({ packetsIn: 0, packetsLost: 0, packetsOut: 0, bytesOut: 0, retransmissions: 0 });

/** Adds `more` into `into`. */
export function addTraffic(into: Traffic, more: Partial<Traffic>): Traffic {
  into.packetsIn += more.packetsIn ?? 0;
  into.packetsLost += more.packetsLost ?? 0;
  into.packetsOut += more.packetsOut ?? 0;
  into.bytesOut += more.bytesOut ?? 0;
  into.retransmissions += more.retransmissions ?? 0;
  return into;
}
