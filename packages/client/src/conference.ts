import type { IceServerInfo } from '@sotto/protocol';
import { JoinResult, parseResult } from '@sotto/protocol';
import { Emitter } from './emitter.ts';
import { ConferenceError } from './errors.ts';
import type { RemoteParticipant } from './participant.ts';
import { participantFromInfo } from './participant.ts';
import { PublishConnection } from './publish-connection.ts';
import type { RemoteSlot } from './receive-connection.ts';
import { ReceiveConnection } from './receive-connection.ts';
import type { ServerEvent } from './signaling-client.ts';
import { RequestError, SignalingClient } from './signaling-client.ts';
import { ViewReporter } from './view-reporter.ts';

export interface ConferenceOptions {
  /** Base URL of the Sotto server, e.g. `https://meet.example.org` (the page's origin by default). */
  serverUrl?: string;
  room: string;
  displayName: string;
}

export interface JoinOptions {
  microphone?: MediaStreamTrack | null;
  camera?: MediaStreamTrack | null;
}

export interface ConferenceEvents extends Record<string, unknown[]> {
  'participant-joined': [RemoteParticipant];
  'participant-left': [RemoteParticipant];
  /** Name, mute state or tracks of a participant changed; the argument is the new snapshot. */
  'participant-updated': [RemoteParticipant];
  /** The conference ended without `leave()`: the server went away or media failed. */
  disconnected: [ConferenceError];
  /** Someone became the dominant speaker: a participant's id, or `selfId` for us. */
  'dominant-speaker': [string];
}

export type ConferenceState = 'idle' | 'joining' | 'joined' | 'left' | 'disconnected';

/**
 * A meeting from the browser's side: the SDK's public entry point. The UI (or any other app)
 * uses only this class, its events and the RemoteParticipant snapshots.
 */
export class Conference extends Emitter<ConferenceEvents> {
  readonly options: ConferenceOptions;
  #state: ConferenceState = 'idle';
  #signaling: SignalingClient | null = null;
  #receive: ReceiveConnection | null = null;
  #camera: PublishConnection | null = null;
  #cameraTrack: MediaStreamTrack | null = null;
  #microphoneTrack: MediaStreamTrack | null = null;
  #iceServers: RTCIceServer[] = [];
  #participants = new Map<string, RemoteParticipant>();
  #selfId: string | null = null;
  #dominantSpeaker: string | null = null;
  readonly #view = new ViewReporter((sources) => this.#signaling?.request({ type: 'view', sources }).catch(() => {}));

  constructor(options: ConferenceOptions) {
    super();
    this.options = options;
  }

  get state(): ConferenceState {
    return this.#state;
  }

  get selfId(): string | null {
    return this.#selfId;
  }

  /** The current dominant speaker (a participant id or `selfId`), once someone has spoken. */
  get dominantSpeaker(): string | null {
    return this.#dominantSpeaker;
  }

  get participants(): ReadonlyMap<string, RemoteParticipant> {
    return this.#participants;
  }

  /** Internal peer connections, for diagnostics (stats pages, tests). */
  get peerConnections(): RTCPeerConnection[] {
    return [this.#receive?.pc, this.#camera?.pc].filter((pc): pc is RTCPeerConnection => pc !== undefined);
  }

  async join(options: JoinOptions = {}): Promise<void> {
    if (this.#state !== 'idle') throw new Error('join() can be called once');
    this.#state = 'joining';
    this.#microphoneTrack = options.microphone ?? null;
    this.#cameraTrack = options.camera ?? null;
    const base = new URL(this.options.serverUrl ?? location.origin);
    base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    base.pathname = '/ws';
    try {
      const signaling = await SignalingClient.connect(base.toString());
      this.#signaling = signaling;
      signaling.on('event', (event) => this.#onEvent(event));
      signaling.on('closed', () =>
        this.#disconnect(new ConferenceError('connection-lost', 'the connection to the server was lost')),
      );
      const result = parseResult(
        JoinResult,
        await signaling.request({ type: 'join', room: this.options.room, name: this.options.displayName }),
      );
      this.#selfId = result.self.id;
      this.#iceServers = result.iceServers.map(toRtcIceServer);
      for (const info of result.members) this.#participants.set(info.id, participantFromInfo(info));
      this.#receive = new ReceiveConnection(signaling, this.#microphoneTrack, this.#iceServers);
      this.#receive.on('slots', (slots) => this.#applySlots(slots));
      this.#receive.on('failed', () =>
        this.#disconnect(new ConferenceError('media-failed', 'the media connection to the server failed')),
      );
      this.#state = 'joined';
      if (!this.#microphoneTrack) this.#sendMute('audio', true);
      if (this.#cameraTrack)
        this.#camera = await PublishConnection.open(signaling, 'camera', this.#cameraTrack, this.#iceServers);
      else this.#sendMute('video', true);
      for (const participant of this.#participants.values()) this.emit('participant-joined', participant);
    } catch (error) {
      this.#cleanup();
      this.#state = 'disconnected';
      throw toConferenceError(error);
    }
  }

  /** Sends `track` as our microphone, or stops sending audio (null). Others see the mute state. */
  async setMicrophone(track: MediaStreamTrack | null): Promise<void> {
    this.#microphoneTrack = track;
    await this.#receive?.setMicrophone(track);
    this.#sendMute('audio', track === null);
  }

  /** Sends `track` as our camera, or stops sending video (null). Others see the mute state. */
  async setCamera(track: MediaStreamTrack | null): Promise<void> {
    this.#cameraTrack = track;
    if (this.#state !== 'joined' || !this.#signaling) return;
    if (track && !this.#camera) this.#camera = await PublishConnection.open(this.#signaling, 'camera', track, this.#iceServers);
    else await this.#camera?.replaceTrack(track);
    this.#sendMute('video', track === null);
  }

  /**
   * Tells the server how large a participant's camera is on screen (device pixels; 0×0 when not
   * shown). The server then sends the smallest layer that looks sharp at that size, and nothing
   * for video nobody sees. Calls are batched.
   */
  setRenderedSize(participantId: string, width: number, height: number): void {
    this.#view.set(participantId, 'camera', width, height);
  }

  /**
   * Participants whose video we want most (first = most): they keep their video even when the
   * meeting has more cameras than the server's last-N. An empty list unpins.
   */
  pin(participantIds: string[]): void {
    this.#signaling?.request({ type: 'pin', memberIds: participantIds.slice(0, 16) }).catch(() => {});
  }

  /** Leaves the meeting and closes every connection. Local tracks are left to the caller. */
  leave(): void {
    if (this.#state === 'left') return;
    this.#signaling?.request({ type: 'leave' }).catch(() => {});
    this.#cleanup();
    this.#state = 'left';
  }

  #sendMute(kind: 'audio' | 'video', muted: boolean): void {
    this.#signaling?.request({ type: 'mute', kind, muted }).catch(() => {});
  }

  #onEvent(event: ServerEvent): void {
    switch (event.type) {
      case 'member-joined': {
        const participant = participantFromInfo(event.member);
        this.#participants.set(participant.id, participant);
        this.emit('participant-joined', participant);
        return;
      }
      case 'member-left': {
        const participant = this.#participants.get(event.memberId);
        if (!participant) return;
        this.#participants.delete(event.memberId);
        this.#view.forget(event.memberId);
        this.emit('participant-left', participant);
        return;
      }
      case 'member-updated':
        this.#update(event.member.id, {
          name: event.member.name,
          audioMuted: event.member.audioMuted,
          videoMuted: event.member.videoMuted,
        });
        return;
      case 'offer':
        this.#receive?.handleOffer(event.revision, event.sdp);
        return;
      case 'tracks':
        this.#receive?.handleTracks(event.slots);
        return;
      case 'candidate':
        this.#receive?.handleCandidate(event.candidate, event.mid);
        return;
      case 'layers':
        if (event.source === 'camera') this.#camera?.setActiveLayers(event.active).catch(() => {});
        return;
      case 'speaker':
        this.#dominantSpeaker = event.memberId;
        this.emit('dominant-speaker', event.memberId);
        return;
      case 'relay':
        return;
    }
  }

  #applySlots(slots: RemoteSlot[]): void {
    for (const participant of this.#participants.values()) {
      const audio = slots.find((s) => s.memberId === participant.id && s.source === 'microphone')?.track ?? null;
      const camera = slots.find((s) => s.memberId === participant.id && s.source === 'camera')?.track ?? null;
      if (audio !== participant.audioTrack || camera !== participant.cameraTrack) {
        this.#update(participant.id, { audioTrack: audio, cameraTrack: camera });
      }
    }
  }

  #update(id: string, changes: Partial<RemoteParticipant>): void {
    const current = this.#participants.get(id);
    if (!current) return;
    const next = { ...current, ...changes };
    this.#participants.set(id, next);
    this.emit('participant-updated', next);
  }

  #disconnect(error: ConferenceError): void {
    if (this.#state !== 'joined' && this.#state !== 'joining') return;
    this.#cleanup();
    this.#state = 'disconnected';
    this.emit('disconnected', error);
  }

  #cleanup(): void {
    this.#view.close();
    this.#camera?.close();
    this.#camera = null;
    this.#receive?.close();
    this.#receive = null;
    this.#signaling?.close();
    this.#signaling = null;
  }
}

function toRtcIceServer(server: IceServerInfo): RTCIceServer {
  return { urls: server.urls, ...(server.username ? { username: server.username, credential: server.credential } : {}) };
}

function toConferenceError(error: unknown): ConferenceError {
  if (error instanceof ConferenceError) return error;
  if (error instanceof RequestError) {
    if (error.code === 'room-full') return new ConferenceError('room-full', error.message);
    if (error.code === 'protocol-version') return new ConferenceError('protocol-version', error.message);
    return new ConferenceError('rejected', error.message);
  }
  return new ConferenceError('connection-failed', (error as Error)?.message ?? 'could not connect to the server');
}
