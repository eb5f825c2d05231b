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
  | 'media-failed';

export class ConferenceError extends Error {
  readonly code: ConferenceErrorCode;

  constructor(code: ConferenceErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'ConferenceError';
  }
}
