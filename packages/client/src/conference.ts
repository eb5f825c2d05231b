import type { P2pMode, ResumeResult } from '@sotto/protocol';
import type { Reaction } from './app-messages.ts';
import { decodeAppMessage, encodeAppMessage } from './app-messages.ts';
import type { ConferenceEvents, ConferenceOptions, ConferenceState, JoinOptions } from './conference-types.ts';
import { safeFromBase64, toBase64 } from './e2ee/base64.ts';
import type { E2eeStatus } from './e2ee/e2ee-session.ts';
import { E2EE_OFF, E2eeSession } from './e2ee/e2ee-session.ts';
import { encodedTransformApi } from './e2ee/media-encryption.ts';
import type { E2eeFrameStats } from './e2ee/worker-messages.ts';
import { Emitter } from './emitter.ts';
import { ConferenceError, e2eeRefusal, toConferenceError } from './errors.ts';
import type { MediaPathInfo } from './media-path.ts';
import { MediaPathSwitch } from './media-path.ts';
import type { RemoteParticipant } from './participant.ts';
import { PublishConnection } from './publish-connection.ts';
import type { RemoteSlot } from './receive-connection.ts';
import { ReceiveConnection } from './receive-connection.ts';
import { Roster } from './roster.ts';
import type { ServerEvent, SignalingRequester } from './signaling-client.ts';
import { RequestError } from './signaling-client.ts';
import { SignalingLink } from './signaling-link.ts';
import { ViewReporter } from './view-reporter.ts';

/** How long a fresh rejoin (after the server let us go or restarted) may keep trying. */
const REJOIN_DEADLINE_MS = 60_000;

/**
 * A meeting from the browser's side: the SDK's public entry point. The UI (or any other app)
 * uses only this class, its events and the RemoteParticipant snapshots.
 */
export class Conference extends Emitter<ConferenceEvents> {
  readonly options: ConferenceOptions;
  #state: ConferenceState = 'idle';
  #signaling: SignalingLink | null = null;
  /** A fresh join in progress after the server let go of us (or restarted). */
  #rejoining: Promise<void> | null = null;
  #receive: ReceiveConnection | null = null;
  #camera: PublishConnection | null = null;
  #cameraTrack: MediaStreamTrack | null = null;
  #microphoneTrack: MediaStreamTrack | null = null;
  readonly #roster = new Roster();
  #selfId: string | null = null;
  #dominantSpeaker: string | null = null;
  #e2ee: E2eeSession | null = null;
  #path: MediaPathSwitch | null = null;
  #slots: RemoteSlot[] = [];
  /** The peer's tracks while media goes peer to peer. */
  #peerTracks: { peerId: string; audio: MediaStreamTrack | null; video: MediaStreamTrack | null } | null = null;
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
    return this.#roster.participants;
  }

  /** End-to-end encryption: state, epoch and the short authentication string to compare. */
  get e2ee(): E2eeStatus {
    return this.#e2ee?.status ?? E2EE_OFF;
  }

  /** Frame counters of the E2EE worker (null without E2EE), for diagnostics and tests. */
  e2eeStats(): Promise<E2eeFrameStats | null> {
    return this.#e2ee?.stats() ?? Promise.resolve(null);
  }

  /**
   * Sends data to every other participant (reactions, chat). Under E2EE it is an MLS application
   * message: the server relays ciphertext it cannot read.
   */
  async sendData(data: Uint8Array): Promise<void> {
    if (this.#state !== 'joined' || !this.#signaling) throw new Error('not in a meeting');
    if (this.#e2ee) await this.#e2ee.send(data);
    else await this.#signaling.request({ type: 'relay', payload: toBase64(data) });
  }

  /** Shows everyone a reaction from us (sent like `sendData`: end-to-end encrypted under E2EE). */
  react(emoji: Reaction): Promise<void> {
    return this.sendData(encodeAppMessage({ type: 'reaction', emoji }));
  }

  /** Where our media goes now. */
  get mediaPath(): MediaPathInfo {
    return this.#path?.info ?? { path: 'bridge', server: this.#serverHost(), peer: null };
  }

  /** Internal peer connections, for diagnostics (stats pages, tests). */
  get peerConnections(): RTCPeerConnection[] {
    return [this.#receive?.pc, this.#camera?.pc, this.#path?.peerConnection ?? undefined].filter(
      (pc): pc is RTCPeerConnection => pc !== undefined,
    );
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
      const link = await SignalingLink.connect(base.toString());
      this.#signaling = link;
      link.on('event', (event) => this.#onEvent(event));
      link.on('reconnecting', () => this.#setState('reconnecting'));
      link.on('resumed', (result) => this.#onResumed(result));
      link.on('expired', () => this.#rejoin());
      link.on('lost', () => this.#disconnect(new ConferenceError('connection-lost', 'the connection to the server was lost')));
      await this.#enterMeeting(link);
    } catch (error) {
      this.#cleanup();
      this.#state = 'disconnected';
      throw toConferenceError(error);
    }
  }

  /** Joins the meeting over `link` and starts our media: the first join, and every fresh rejoin. */
  async #enterMeeting(link: SignalingLink): Promise<void> {
    const result = await link.request({
      type: 'join',
      room: this.options.room,
      name: this.options.displayName,
      ...(this.options.e2ee === false ? { e2ee: false } : {}),
      p2p: this.#p2pChoice,
    });
    // Before any connection exists or any media is sent: a server may not decide, for someone
    // who did not choose it, that the meeting is unencrypted.
    if (!result.e2ee && this.options.e2ee !== false) {
      link.request({ type: 'leave' }).catch(() => {});
      throw e2eeRefusal('e2ee-downgrade');
    }
    link.resumeToken = result.resumeToken;
    this.#selfId = result.self.id;
    this.#roster.start(result.self.id, result.members);
    if (result.e2ee) this.#startE2ee(link, result.self.id);
    const encryption = this.#e2ee?.media ?? null;
    this.#receive = new ReceiveConnection(link, this.#microphoneTrack, BRIDGE_ICE_SERVERS, encryption);
    this.#receive.on('slots', (slots) => this.#applySlots(slots));
    this.#startMediaPath(link, this.#receive, encryption);
    // A dead media connection: leave and join again, with fresh connections.
    this.#receive.on('failed', () => this.#rejoin({ leaveFirst: true }));
    this.#setState('joined');
    if (!this.#microphoneTrack) this.#sendMute('audio', true);
    if (this.#cameraTrack)
      this.#camera = await PublishConnection.open(link, 'camera', this.#cameraTrack, BRIDGE_ICE_SERVERS, encryption);
    else this.#sendMute('video', true);
    for (const participant of this.#roster.participants.values()) this.emit('participant-joined', participant);
  }

  /**
   * A new socket took our membership back: the meeting goes on (same id, same keys, same media
   * connections). Who joined or left meanwhile is reconciled from the server's list.
   */
  #onResumed(result: ResumeResult): void {
    const { joined, left } = this.#roster.reconcile(result.members);
    for (const participant of left) {
      this.#view.forget(participant.id);
      this.emit('participant-left', participant);
    }
    for (const participant of joined) this.emit('participant-joined', participant);
    this.#e2ee?.setRoster(this.#roster.order);
    this.#setState('joined');
  }

  /**
   * The server no longer holds us (it restarted, or let us go): join the same meeting afresh, as
   * a new member, with the same camera and microphone. Tries until the link gives up.
   */
  #rejoin({ leaveFirst = false } = {}): void {
    if (this.#rejoining || this.#state === 'left' || this.#state === 'disconnected') return;
    this.#setState('reconnecting');
    this.#rejoining = (async () => {
      const link = this.#signaling;
      if (leaveFirst) await link?.request({ type: 'leave' }).catch(() => {});
      this.#leaveMeetingLocally();
      const deadline = performance.now() + REJOIN_DEADLINE_MS;
      while (link && this.#signaling === link && performance.now() < deadline) {
        try {
          await link.ready();
          await this.#enterMeeting(link);
          return;
        } catch (error) {
          const refused = error instanceof RequestError && error.code !== 'server-busy';
          if (refused || error instanceof ConferenceError) throw error;
          this.#leaveMeetingLocally();
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
      throw new ConferenceError('connection-lost', 'could not rejoin the meeting');
    })()
      .catch((error: unknown) => this.#disconnect(toConferenceError(error)))
      .finally(() => {
        this.#rejoining = null;
      });
  }

  /** Drops everything of the current membership but the signaling link and our tracks. */
  #leaveMeetingLocally(): void {
    this.#closeMediaAndKeys();
    this.#slots = [];
    for (const participant of this.#roster.clear()) {
      this.#view.forget(participant.id);
      this.emit('participant-left', participant);
    }
    this.#selfId = null;
    this.#dominantSpeaker = null;
  }

  #setState(state: ConferenceState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('state', state);
  }

  /** Sends `track` as our microphone, or stops sending audio (null). Others see the mute state. */
  async setMicrophone(track: MediaStreamTrack | null): Promise<void> {
    this.#microphoneTrack = track;
    if (!this.#path?.bridgePaused) await this.#receive?.setMicrophone(track);
    await this.#path?.replaceTrack('audio', track);
    this.#sendMute('audio', track === null);
  }

  /** Sends `track` as our camera, or stops sending video (null). Others see the mute state. */
  async setCamera(track: MediaStreamTrack | null): Promise<void> {
    this.#cameraTrack = track;
    if (this.#state !== 'joined' || !this.#signaling) return;
    if (track && !this.#camera) {
      const encryption = this.#e2ee?.media ?? null;
      this.#camera = await PublishConnection.open(this.#signaling, 'camera', track, BRIDGE_ICE_SERVERS, encryption);
      if (this.#path?.bridgePaused) await this.#camera.replaceTrack(null);
    } else if (!this.#path?.bridgePaused) await this.#camera?.replaceTrack(track);
    // Peer to peer too: a camera switched off must stop going to the peer as well.
    await this.#path?.replaceTrack('video', track);
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

  #startMediaPath(signaling: SignalingRequester, receive: ReceiveConnection, encryption: E2eeSession['media'] | null): void {
    const path = new MediaPathSwitch(
      {
        signaling,
        receive,
        choice: this.#p2pChoice,
        encryption,
        microphone: () => this.#microphoneTrack,
        camera: () => this.#cameraTrack,
        pauseBridge: async (paused) => {
          await this.#receive?.setMicrophone(paused ? null : this.#microphoneTrack);
          await this.#camera?.replaceTrack(paused ? null : this.#cameraTrack);
        },
        usePeerTracks: (peerId, tracks) => {
          this.#peerTracks = tracks ? { peerId, ...tracks } : null;
          if (tracks) this.#update(peerId, { audioTrack: tracks.audio, cameraTrack: tracks.video });
          else this.#applySlots(this.#slots);
        },
      },
      this.#serverHost(),
    );
    this.#path = path;
    path.on('changed', (info) => this.emit('media-path', info));
  }

  get #p2pChoice(): P2pMode {
    return this.options.p2p ?? 'off';
  }

  #serverHost(): string {
    return new URL(this.options.serverUrl ?? location.origin).hostname;
  }

  /** Refuses (and leaves) rather than ever sending or receiving media in the clear. */
  #startE2ee(signaling: SignalingRequester, selfId: string): void {
    const api = encodedTransformApi();
    if (!api) {
      signaling.request({ type: 'leave' }).catch(() => {});
      throw e2eeRefusal('e2ee-unsupported');
    }
    const session = new E2eeSession(selfId, api, (message) => signaling.request(message));
    this.#e2ee = session;
    session.on('status', (status) => this.emit('e2ee', status));
    session.on('data', (from, data) => this.#onData(from, data));
    session.setRoster(this.#roster.order);
    session.start().catch(() => {});
  }

  #sendMute(kind: 'audio' | 'video', muted: boolean): void {
    this.#signaling?.request({ type: 'mute', kind, muted }).catch(() => {});
  }

  #onEvent(event: ServerEvent): void {
    switch (event.type) {
      case 'member-joined': {
        const participant = this.#roster.add(event.member);
        if (!participant) return;
        this.#e2ee?.setRoster(this.#roster.order);
        this.emit('participant-joined', participant);
        return;
      }
      case 'member-left': {
        const participant = this.#roster.remove(event.memberId);
        if (!participant) return;
        this.#e2ee?.setRoster(this.#roster.order);
        this.#view.forget(event.memberId);
        this.emit('participant-left', participant);
        return;
      }
      case 'removed':
        // Every reason so far (a server restarting, a dead media connection, a socket that came
        // back too late) is one where joining again is what the person wants.
        this.#rejoin();
        return;
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
      case 'mls-task':
      case 'mls-commit':
      case 'mls-welcome':
        this.#e2ee?.handle(event);
        return;
      case 'media-path':
      case 'p2p-signal':
        this.#path?.handle(event);
        return;
      case 'relay':
        if (this.#e2ee) this.#e2ee.handle(event);
        else this.#onData(event.from, safeFromBase64(event.payload));
        return;
    }
  }

  #onData(from: string, data: Uint8Array): void {
    if (data.length === 0 || !this.#roster.participants.has(from)) return;
    this.emit('data', from, data);
    const message = decodeAppMessage(data);
    if (message?.type === 'reaction') this.emit('reaction', from, message.emoji);
  }

  #applySlots(slots: RemoteSlot[]): void {
    this.#slots = slots;
    for (const participant of this.#roster.participants.values()) {
      // While peer to peer, the peer's media comes from that connection, not from bridge slots.
      if (participant.id === this.#peerTracks?.peerId) continue;
      const audio = slots.find((s) => s.memberId === participant.id && s.source === 'microphone')?.track ?? null;
      const camera = slots.find((s) => s.memberId === participant.id && s.source === 'camera')?.track ?? null;
      if (audio !== participant.audioTrack || camera !== participant.cameraTrack) {
        this.#update(participant.id, { audioTrack: audio, cameraTrack: camera });
      }
    }
  }

  #update(id: string, changes: Partial<RemoteParticipant>): void {
    const next = this.#roster.update(id, changes);
    if (next) this.emit('participant-updated', next);
  }

  #disconnect(error: ConferenceError): void {
    if (this.#state !== 'joined' && this.#state !== 'joining' && this.#state !== 'reconnecting') return;
    this.#cleanup();
    this.#setState('disconnected');
    this.emit('disconnected', error);
  }

  #cleanup(): void {
    this.#view.close();
    this.#closeMediaAndKeys();
    this.#signaling?.close();
    this.#signaling = null;
  }

  /** Closes every peer connection and the E2EE session of the current membership. */
  #closeMediaAndKeys(): void {
    this.#path?.close();
    this.#path = null;
    this.#peerTracks = null;
    this.#e2ee?.close();
    this.#e2ee = null;
    this.#camera?.close();
    this.#camera = null;
    this.#receive?.close();
    this.#receive = null;
  }
}

/** The bridge is reached on the server's own candidates; TURN is only for peer to peer. */
const BRIDGE_ICE_SERVERS: RTCIceServer[] = [];
