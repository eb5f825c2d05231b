import type { MemberInfo } from '@sotto/protocol';

/** Another person in the conference, as the SDK presents them to an app. */
export interface RemoteParticipant {
  readonly id: string;
  readonly name: string;
  /** They switched their microphone off. */
  readonly audioMuted: boolean;
  /** They switched their camera off. */
  readonly videoMuted: boolean;
  readonly role: 'moderator' | 'participant';
  /** Their raised hand's place in the queue (smaller = earlier); null when down. */
  readonly hand: number | null;
  /** Their microphone, once the server routes it to us. */
  readonly audioTrack: MediaStreamTrack | null;
  /** Their camera, once the server routes it to us. */
  readonly cameraTrack: MediaStreamTrack | null;
  /** They share their screen (see `screenTrack`). */
  readonly screenSharing: boolean;
  /** Their shared screen, once it reaches us. */
  readonly screenTrack: MediaStreamTrack | null;
}

export function participantFromInfo(info: MemberInfo): RemoteParticipant {
  return { ...info, audioTrack: null, cameraTrack: null, screenTrack: null };
}
