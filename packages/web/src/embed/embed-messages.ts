/**
 * The iframe API's messages, between the embedding page (external_api.js) and the meeting in
 * its iframe. Every message carries `sotto: 1`; each side also checks the sender's window and
 * origin (see external-api.ts and embed-channel.ts). Tokens travel only in these messages, never
 * in a URL.
 */

/** Options that come with the handshake (the subset of Jitsi's that Sotto supports). */
export interface EmbedOptions {
  displayName?: string;
  /** A room token (docs/auth.md). */
  jwt?: string;
  startWithAudioMuted?: boolean;
  startWithVideoMuted?: boolean;
  /** false: join at once, skipping the pre-join screen (needs a display name). */
  prejoinPageEnabled?: boolean;
  /** Jitsi's `p2p.enabled`: false keeps media on the server. */
  p2p?: boolean;
}

/** Host → meeting. */
export type ToMeeting =
  | { sotto: 1; type: 'hello'; options: EmbedOptions }
  | { sotto: 1; type: 'command'; name: string; args: unknown[] }
  | { sotto: 1; type: 'request'; id: number; name: 'isAudioMuted' | 'isVideoMuted' };

/** Meeting → host. */
export type ToHost =
  | { sotto: 1; type: 'ready' }
  | { sotto: 1; type: 'event'; name: string; data: Record<string, unknown> }
  | { sotto: 1; type: 'response'; id: number; result: unknown };

/** The commands Sotto carries out (Jitsi's names); any other is answered with `errorOccurred`. */
export const COMMANDS = [
  'displayName',
  'toggleAudio',
  'toggleVideo',
  'toggleShareScreen',
  'hangup',
  'endConference',
  'password',
  'toggleLobby',
  'sendChatMessage',
  'muteEveryone',
  'kickParticipant',
  'toggleTileView',
  'toggleRaiseHand',
  'pinParticipant',
  'setBlurredBackground',
  'toggleChat',
] as const;
export type CommandName = (typeof COMMANDS)[number];

export function isMessage<T extends { sotto: 1 }>(data: unknown): data is T {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { sotto?: unknown }).sotto === 1 &&
    typeof (data as { type?: unknown }).type === 'string'
  );
}
