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
  timeoutMs?: number;
}

export function isMediaDead({ now, lastHeardAt, lastForwardedAt, timeoutMs = MEDIA_SILENCE_TIMEOUT_MS }: LivenessInput): boolean {
  const forwardingRecently = now - lastForwardedAt < 2000;
  return forwardingRecently && now - lastHeardAt > timeoutMs;
}
