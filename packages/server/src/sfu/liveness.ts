/**
 * Decides whether a member's receive connection is dead before ICE consent (30 s in the engine)
 * would notice. Receivers send RTCP about what they get (browsers: at least every few seconds), so
 * while we forward media to someone, silence from them means the path is gone. When we forward
 * nothing, silence proves nothing and the signaling heartbeat has to tell. 8.5 s: Chrome reports
 * audio-only reception every 5 s ±50%, so a live receiver is never silent that long.
 */
export const MEDIA_SILENCE_TIMEOUT_MS = 8500;

export interface LivenessInput {
  now: number;
  /** Last RTP or RTCP that arrived from the member on the receive connection (or when it connected). */
  lastHeardAt: number;
  /** Last packet we forwarded to the member. */
  lastForwardedAt: number;
  /**
   * When forwarding last started again after a pause (e.g. back from peer to peer, where the
   * member sent and got nothing here): the member's silence only counts from then on.
   */
  forwardingSince?: number;
  timeoutMs?: number;
}

/** A pause in forwarding this long makes the next packet a restart (see `forwardingSince`). */
export const FORWARDING_PAUSE_MS = 2000;

export function isMediaDead({
  now,
  lastHeardAt,
  lastForwardedAt,
  forwardingSince = 0,
  timeoutMs = MEDIA_SILENCE_TIMEOUT_MS,
}: LivenessInput): boolean {
  const forwardingRecently = now - lastForwardedAt < FORWARDING_PAUSE_MS;
  return forwardingRecently && now - Math.max(lastHeardAt, forwardingSince) > timeoutMs;
}
