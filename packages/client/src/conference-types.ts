/** The SDK's public contract for a meeting: what an app passes in, and the events it gets. */
import type { P2pMode } from '@sotto/protocol';
import type { ChatMessage } from './app-channel.ts';
import type { Reaction } from './app-messages.ts';
import type { E2eeStatus } from './e2ee/e2ee-session.ts';
import type { E2eeWorkerSource } from './e2ee/media-encryption.ts';
import type { ConferenceError } from './errors.ts';
import type { MediaPathInfo } from './media-path.ts';
import type { RemoteParticipant } from './participant.ts';
import type { ProcessedSource } from './track-processor.ts';

export interface ConferenceOptions {
  /** Base URL of the Sotto server, e.g. `https://meet.example.org` (the page's origin by default). */
  serverUrl?: string;
  room: string;
  displayName: string;
  /**
   * Ask for a meeting without end-to-end encryption when starting a new one (only if the server
   * allows it). Default: encrypted. Joining an existing meeting takes its mode; see `e2ee`.
   */
  e2ee?: boolean;
  /**
   * How far this participant allows media to go peer to peer when only two are in the meeting
   * (default `off`: everything through the server). `relay` never exposes our IP address to the
   * other participant; `direct` does. The person starting a meeting also sets the most the meeting
   * allows. The client enforces its own choice whatever the server says.
   */
  p2p?: P2pMode;
  /** The meeting's password, when it has one (`join()` rejects with `password-required` otherwise). */
  password?: string;
  /**
   * A room token (JWT) from the organisation that runs the server (docs/auth.md): needed where
   * the server asks for one (`token-required`), and it can make us a moderator.
   */
  token?: string;
  /**
   * The E2EE worker, when the app provides it: its URL (an ES module worker; the package ships it
   * as `e2ee-worker.js`), or a function that makes it. Default: the one beside the SDK, which
   * bundlers find by themselves.
   */
  e2eeWorker?: E2eeWorkerSource;
}

export interface JoinOptions {
  microphone?: MediaStreamTrack | null;
  camera?: MediaStreamTrack | null;
}

export interface ConferenceEvents {
  'participant-joined': [RemoteParticipant];
  'participant-left': [RemoteParticipant];
  /** Name, mute state or tracks of a participant changed; the argument is the new snapshot. */
  'participant-updated': [RemoteParticipant];
  /** The conference ended without `leave()`: the server went away, or a moderator removed us or ended it. */
  disconnected: [ConferenceError];
  /** Someone became the dominant speaker: a participant's id, or `selfId` for us. */
  'dominant-speaker': [string];
  /** The end-to-end encryption state, epoch or verification code changed. */
  e2ee: [E2eeStatus];
  /** Data another participant sent with `sendData` (decrypted with the group's keys under E2EE). */
  data: [string, Uint8Array];
  /** A participant reacted (see `react`). */
  reaction: [string, Reaction];
  /**
   * A chat message, ours included (as soon as it is sent). `to` is our id when it was for us
   * alone (under E2EE: sealed for us, nobody else could read it), null when it was for everyone.
   */
  chat: [ChatMessage];
  /** What our camera or microphone sends changed (a new track, an effect on or off): our own tile shows it. */
  'local-media': [ProcessedSource, MediaStreamTrack | null];
  /** An effect on our camera or microphone could not run: that source is off, never sent unprocessed. */
  'effect-failed': [ProcessedSource, ConferenceError];
  /** Our media now goes another way (bridge, peer to peer direct or via relay). */
  'media-path': [MediaPathInfo];
  /**
   * `reconnecting`: the connection to the server dropped and is being restored (the same
   * membership, or a fresh join if the server no longer holds it); `joined` again once it is.
   */
  state: [ConferenceState];
}

/** `lobby`: waiting for a moderator to let us in. */
export type ConferenceState = 'idle' | 'joining' | 'lobby' | 'joined' | 'reconnecting' | 'left' | 'disconnected';
