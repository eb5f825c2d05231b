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
  /** The meeting is end-to-end encrypted and this browser cannot encrypt media. */
  | 'e2ee-unsupported'
  /** A meeting without E2EE was asked for, and the server only hosts encrypted meetings. */
  | 'e2ee-required'
  /** The server said the meeting is not end-to-end encrypted, and we did not choose that. */
  | 'e2ee-downgrade'
  /** The server no longer holds us in the meeting (see the message for why). */
  | 'removed';

export class ConferenceError extends Error {
  readonly code: ConferenceErrorCode;

  constructor(code: ConferenceErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'ConferenceError';
  }
}
