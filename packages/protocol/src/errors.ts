/**
 * Stable error codes carried by `error` replies. Clients switch on these; the `message` next to
 * them is for people and may change.
 */
export const ERROR_CODES = [
  'bad-json',
  'bad-message',
  'not-hello',
  'protocol-version',
  'already-hello',
  'not-joined',
  'already-joined',
  'room-full',
  'bad-sdp',
  'bad-state',
  'unknown-member',
  'rate-limited',
  'e2ee-required',
  'stale-epoch',
  'server-busy',
  /** The request needs a role the member does not have (docs/moderation.md). */
  'forbidden',
  /** The meeting is locked: nobody new may join. */
  'room-locked',
  'password-required',
  'wrong-password',
  /** The meeting has a lobby: `knock` and wait for a moderator. */
  'in-lobby',
  /** This server needs a room token to join (or to start) this meeting (docs/auth.md). */
  'token-required',
  /** The token given was refused: expired, not yet valid, another audience or meeting, a bad signature. */
  'token-invalid',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** WebSocket close codes the server uses. */
export const CLOSE_CODES = {
  /** The participant left. */
  normal: 1000,
  /** The server is stopping (or restarting): try again later. */
  serviceRestart: 1012,
  /** Abuse: binary frames, floods past the rate limit, too many bad messages. */
  policy: 1008,
  /** A frame larger than MAX_FRAME_BYTES. */
  tooLarge: 1009,
  /** No heartbeat answer: the connection is considered dead. */
  timeout: 4000,
  /** The client speaks another protocol version. */
  protocolVersion: 4001,
  /** No `hello` or `join` in time after connecting. */
  deadline: 4002,
  /** The client did not read what the server sent: too much was waiting for it. */
  tooSlow: 4008,
  /** Another socket resumed this membership (the client reconnected). */
  replaced: 4009,
} as const;
