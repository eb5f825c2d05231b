import { RequestError } from './signaling-client.ts';

/** Why a conference could not start or ended. Stable codes a UI can switch on. */
export type ConferenceErrorCode =
  | 'permission-denied'
  | 'no-device'
  | 'device-busy'
  | 'room-full'
  | 'connection-failed'
  | 'connection-lost'
  | 'protocol-version'
  | 'rejected'
  | 'media-failed'
  /** The server needs a room token to join (or start) this meeting. */
  | 'token-required'
  /** The room token was refused (expired, not yet valid, for another meeting…): the message says why. */
  | 'token-invalid'
  /** The meeting is end-to-end encrypted and this browser cannot encrypt media. */
  | 'e2ee-unsupported'
  /** A meeting without E2EE was asked for, and the server only hosts encrypted meetings. */
  | 'e2ee-required'
  /** The server said the meeting is not end-to-end encrypted, and we did not choose that. */
  | 'e2ee-downgrade'
  /** The server no longer holds us in the meeting (see the message for why). */
  | 'removed'
  /** The meeting needs a password (give `password` and join again), or the one given was wrong. */
  | 'password-required'
  | 'wrong-password'
  /** The meeting is locked: nobody new may join. */
  | 'room-locked'
  /** A moderator did not let us in from the lobby. */
  | 'denied'
  /** A moderator removed us. */
  | 'kicked'
  /** A moderator ended the meeting for everyone. */
  | 'meeting-ended'
  /** `leave()` was called before `join()` completed. */
  | 'left';

export class ConferenceError extends Error {
  readonly code: ConferenceErrorCode;

  constructor(code: ConferenceErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'ConferenceError';
  }
}

/** `join()` when `leave()` came first. */
export const LEFT_DURING_JOIN = new ConferenceError('left', 'left the meeting before joining completed');
/** Not a ConferenceError: a rejoin tries again after it. */
export const MEMBERSHIP_ENDED = new Error('the server let go of this membership while it started');

/** Any failure of joining as the stable ConferenceError an app switches on. */
export function toConferenceError(error: unknown): ConferenceError {
  if (error instanceof ConferenceError) return error;
  if (error instanceof RequestError) {
    if (error.code === 'room-full') return new ConferenceError('room-full', error.message);
    if (error.code === 'protocol-version') return new ConferenceError('protocol-version', error.message);
    if (error.code === 'e2ee-required') return new ConferenceError('e2ee-required', error.message);
    if (error.code === 'token-required' || error.code === 'token-invalid') return new ConferenceError(error.code, error.message);
    if (error.code === 'password-required' || error.code === 'wrong-password' || error.code === 'room-locked')
      return new ConferenceError(error.code, error.message);
    return new ConferenceError('rejected', error.message);
  }
  return new ConferenceError('connection-failed', (error as Error)?.message ?? 'could not connect to the server');
}

/** Why we refuse to take part before anything is sent: a server's downgrade, or no encryption here. */
export function e2eeRefusal(code: 'e2ee-downgrade' | 'e2ee-unsupported'): ConferenceError {
  return new ConferenceError(
    code,
    code === 'e2ee-downgrade'
      ? 'This server tried to start the meeting without encryption. Nothing was sent. If this meeting is meant to be unencrypted, join again with end-to-end encryption turned off.'
      : 'This meeting is end-to-end encrypted, and this browser cannot encrypt media (it lacks encoded transforms). Use a current Chrome, Edge, Safari or Firefox.',
  );
}

/** Why a moderator's decision ended our membership. */
export function removal(reason: 'kicked' | 'ended'): ConferenceError {
  return reason === 'kicked'
    ? new ConferenceError('kicked', 'A moderator removed you from the meeting.')
    : new ConferenceError('meeting-ended', 'A moderator ended the meeting for everyone.');
}
