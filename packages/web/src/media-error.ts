import { ConferenceError } from '@sotto/client';

/** What to tell a person when something went wrong, in words they can act on. */
export function explain(error: unknown): string {
  if (!(error instanceof ConferenceError)) return 'Something went wrong. Reload the page and try again.';
  switch (error.code) {
    case 'permission-denied':
      return 'Camera and microphone are blocked. Allow them in your browser’s site settings, or join without them.';
    case 'no-device':
      return 'No camera or microphone was found. You can still join and listen.';
    case 'device-busy':
      return 'Your camera or microphone is in use by another program. Close it, or join without it.';
    case 'room-full':
      return 'This meeting is full. Ask the organiser to make room, or try again later.';
    case 'connection-lost':
      return 'The connection to the server was lost. Check your network and rejoin.';
    case 'connection-failed':
      return 'Could not reach the meeting server. Check your network and try again.';
    case 'protocol-version':
      return 'This page is out of date for the server. Reload the page.';
    case 'e2ee-unsupported':
      return 'This meeting is end-to-end encrypted, and this browser cannot encrypt audio and video. Join with a current Chrome, Edge, Safari or Firefox. Nothing was sent.';
    case 'e2ee-required':
      return 'This server only hosts end-to-end encrypted meetings.';
    case 'e2ee-downgrade':
      return error.message;
    case 'token-required':
      return 'This server lets in only people with a room token from its organisation. Ask them for a link, or for a token.';
    case 'token-invalid':
      return `Your room token was refused: ${error.message.replace(/^the token was refused: /, '')}.`;
    case 'password-required':
      return 'This meeting has a password. Enter it to join.';
    case 'wrong-password':
      return 'That password is not right. Check it and try again.';
    case 'room-locked':
      return 'This meeting is locked: a moderator lets nobody new in right now.';
    case 'denied':
      return 'A moderator did not let you into this meeting.';
    case 'kicked':
      return 'A moderator removed you from the meeting.';
    case 'meeting-ended':
      return 'A moderator ended the meeting for everyone.';
    case 'media-failed':
      return `Audio and video could not connect: ${error.message}.`;
    default:
      return error.message;
  }
}
