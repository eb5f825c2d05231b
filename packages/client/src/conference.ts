import type { ResumeResult } from '@sotto/protocol';
import type { ChatMessage } from './app-channel.ts';
import { AppChannel } from './app-channel.ts';
import type { Reaction } from './app-messages.ts';
import { BridgeMedia } from './bridge-media.ts';
import type { ConferenceEvents, ConferenceOptions, ConferenceState, JoinOptions } from './conference-types.ts';
import { safeFromBase64, toBase64 } from './e2ee/base64.ts';
import type { E2eeStatus } from './e2ee/e2ee-session.ts';
import { E2EE_OFF, E2eeSession } from './e2ee/e2ee-session.ts';
import { encodedTransformApi } from './e2ee/media-encryption.ts';
import type { E2eeFrameStats } from './e2ee/worker-messages.ts';
import { Emitter } from './emitter.ts';
import { ConferenceError, e2eeRefusal, LEFT_DURING_JOIN, MEMBERSHIP_ENDED, removal, toConferenceError } from './errors.ts';
import { requestJoin } from './join-request.ts';
import type { MediaPathInfo } from './media-path.ts';
import { MediaPathSwitch } from './media-path.ts';
import { MeetingControls } from './meeting-controls.ts';
import { OutgoingMedia } from './outgoing-media.ts';
import type { RemoteParticipant } from './participant.ts';
import type { ParticipantStats } from './participant-stats.ts';
import { StatsSampler } from './participant-stats.ts';
import type { RemoteSlot } from './receive-connection.ts';
import { keepTrying } from './rejoin-loop.ts';
import { Roster } from './roster.ts';
import type { ServerEvent, SignalingRequester } from './signaling-client.ts';
import { SignalingLink } from './signaling-link.ts';
import type { ProcessedSource, TrackProcessor } from './track-processor.ts';
import { ViewReporter } from './view-reporter.ts';

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
  /** Counts memberships (a fresh rejoin is a new one), so a step of an old one knows it is stale. */
  #membership = 0;
  readonly #local = new OutgoingMedia({
    output: (source, track) => this.emit('local-media', source, track),
    effectFailed: (source, error) => this.emit('effect-failed', source, toConferenceError(error)),
  });
  /** Our bridge connections; when they cannot be restarted, we leave and join afresh. */
  readonly #bridge = new BridgeMedia(this.#local, () => this.#rejoin({ leaveFirst: true }));
  readonly #roster = new Roster();
  /** Why the conference ended without `leave()`, once it has. */
  #endedBy: ConferenceError | null = null;
  /** Aborts a join still waiting in the lobby when we leave. */
  readonly #joinAbort = new AbortController();
  /** Hands, roles and moderation (see MeetingControls). */
  readonly controls = new MeetingControls(
    (message) => this.#signaling?.request(message) ?? Promise.reject(new Error('not in a meeting')),
    (kind) => this.#local.set(kind === 'audio' ? 'microphone' : 'camera', null),
  );
  #selfId: string | null = null;
  #dominantSpeaker: string | null = null;
  #e2ee: E2eeSession | null = null;
  #path: MediaPathSwitch | null = null;
  #slots: RemoteSlot[] = [];
  readonly #stats = new StatsSampler();
  /** The peer whose media comes peer to peer now. */
  #peerId: string | null = null;
  readonly #view = new ViewReporter((sources) => this.#signaling?.request({ type: 'view', sources }).catch(() => {}));

  readonly #messages = new AppChannel({
    send: async (data, to) => {
      if (this.#state !== 'joined' || !this.#signaling) throw new Error('not in a meeting');
      if (this.#e2ee) await this.#e2ee.send(data, to);
      else await this.#signaling.request({ type: 'relay', payload: toBase64(data), ...(to === undefined ? {} : { to }) });
    },
    selfId: () => this.#selfId,
    isParticipant: (id) => this.#roster.participants.has(id),
    sealsPrivateMessages: () => this.#e2ee !== null,
  });

  constructor(options: ConferenceOptions) {
    super();
    this.options = options;
    this.#messages.on('data', (from, data) => this.emit('data', from, data));
    this.#messages.on('reaction', (from, emoji) => this.emit('reaction', from, emoji));
    this.#messages.on('chat', (message) => this.emit('chat', message));
    this.#bridge.on('slots', (slots) => this.#applySlots(slots));
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
   * Sends data to every other participant, or to the participant `to` only. Under E2EE it is an
   * MLS application message (the server relays ciphertext it cannot read), and one for a single
   * participant is sealed so that only they can read it.
   */
  sendData(data: Uint8Array, to?: string): Promise<void> {
    return this.#messages.send(data, to);
  }

  /** Shows everyone a reaction from us (sent like `sendData`: end-to-end encrypted under E2EE). */
  react(emoji: Reaction): Promise<void> {
    return this.#messages.react(emoji);
  }

  /** Sends a chat message to everyone, or privately to the participant `to` (see `sendData`). */
  sendChat(text: string, to?: string): Promise<ChatMessage> {
    return this.#messages.chat(text, to);
  }

  /** Where our media goes now. */
  get mediaPath(): MediaPathInfo {
    return this.#path?.info ?? { path: 'bridge', server: this.#serverHost(), peer: null };
  }

  /** What we receive from a participant now: bitrate, picture, loss, round trip, path (see StatsSampler). */
  participantStats(participantId: string): Promise<ParticipantStats | null> {
    const path = this.#peerId === participantId && this.#path ? this.#path.info.path : 'bridge';
    return this.#stats.of(this.#roster.participants.get(participantId), this.peerConnections, path);
  }

  /** Internal peer connections, for diagnostics (stats pages, tests). */
  get peerConnections(): RTCPeerConnection[] {
    const all = [this.#bridge.receive?.pc, ...(['camera', 'screen'] as const).map((s) => this.#local.connection(s)?.pc)];
    all.push(this.#path?.peerConnection ?? undefined);
    return all.filter((pc): pc is RTCPeerConnection => !!pc);
  }

  /**
   * Joins the meeting. Rejects with a ConferenceError; with code `left` when `leave()` was called
   * before it completed (everything it had started is closed by then).
   */
  async join(options: JoinOptions = {}): Promise<void> {
    if (this.#state !== 'idle') throw new Error('join() can be called once');
    this.#state = 'joining';
    await this.#local.set('microphone', options.microphone ?? null);
    await this.#local.set('camera', options.camera ?? null);
    try {
      const link = await SignalingLink.connect(this.options.serverUrl ?? location.origin);
      // `state`, not `#state`: TypeScript would narrow the field to 'joining' across the await.
      if (this.state === 'left') {
        link.close();
        throw LEFT_DURING_JOIN;
      }
      this.#signaling = link;
      link.on('event', (event) => this.#onEvent(event));
      link.on('reconnecting', () => this.#setState('reconnecting'));
      link.on('resumed', (result) => this.#onResumed(result));
      link.on('expired', () => this.#rejoin());
      link.on('lost', () => this.#disconnect(new ConferenceError('connection-lost', 'the connection to the server was lost')));
      await this.#enterMeeting(link);
    } catch (error) {
      if (error === MEMBERSHIP_ENDED && this.#rejoining) return;
      const left = this.state === 'left';
      this.#cleanup();
      if (!left) this.#state = 'disconnected';
      // Ended while it started (e.g. removed by a moderator): join() says why, not what it tripped on.
      throw left ? LEFT_DURING_JOIN : (this.#endedBy ?? toConferenceError(error));
    }
  }

  /** Joins the meeting over `link` and starts our media: the first join, and every fresh rejoin. */
  async #enterMeeting(link: SignalingLink): Promise<void> {
    const { room, displayName: name, password, token, e2ee, p2p = 'off' } = this.options;
    const request = { type: 'join', room, name, p2p, password, token, e2ee: e2ee === false ? false : undefined } as const;
    const result = await requestJoin(link, request, () => this.#setState('lobby'), this.#joinAbort.signal);
    if (this.#signaling !== link) throw LEFT_DURING_JOIN;
    link.resumeToken = result.resumeToken;
    this.#selfId = result.self.id;
    this.#roster.start(result.self.id, result.members);
    this.controls.start(result.self, result.settings);
    // Everyone already here, once and before any update about them (updates may follow at once).
    for (const participant of this.#roster.participants.values()) this.emit('participant-joined', participant);
    if (result.e2ee) this.#startE2ee(link, result.self.id);
    const encryption = this.#e2ee?.media ?? null;
    const published = this.#bridge.open(link, encryption, result.iceServers);
    this.#startMediaPath(link, encryption);
    this.#setState('joined');
    const membership = this.#membership;
    try {
      await published;
    } catch (error) {
      if (this.#membership === membership && this.#signaling === link) throw error;
    }
    if (this.#signaling !== link) throw LEFT_DURING_JOIN;
    // The server let go of this membership while the camera connected: a rejoin owns the meeting now.
    if (this.#membership !== membership) throw MEMBERSHIP_ENDED;
  }

  /**
   * A new socket took our membership back: the meeting goes on (same id, same keys, same media
   * connections). Who joined or left meanwhile is reconciled from the server's list.
   */
  #onResumed(result: ResumeResult): void {
    const { joined, left } = this.#roster.reconcile(result.members);
    for (const participant of left) this.#gone(participant);
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
      await keepTrying(
        async () => {
          await link?.ready();
          if (link) await this.#enterMeeting(link);
        },
        () => this.#leaveMeetingLocally(),
        () => link !== null && this.#signaling === link,
      );
    })()
      .catch((error: unknown) => this.#disconnect(toConferenceError(error)))
      .finally(() => {
        this.#rejoining = null;
      });
  }

  /** Drops everything of the current membership but the signaling link and our tracks. */
  #leaveMeetingLocally(): void {
    this.#membership++;
    this.#closeMediaAndKeys();
    this.#slots = [];
    for (const participant of this.#roster.clear()) this.#gone(participant);
    this.#selfId = null;
    this.#dominantSpeaker = null;
  }

  #gone(participant: RemoteParticipant): void {
    this.#view.forget(participant.id);
    this.emit('participant-left', participant);
  }

  #setState(state: ConferenceState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit('state', state);
  }

  /** Sends `track` as our microphone, or stops sending audio (null). Others see the mute state. */
  async setMicrophone(track: MediaStreamTrack | null): Promise<void> {
    await this.#local.set('microphone', track);
  }

  /** Sends `track` as our camera, or stops sending video (null). Others see the mute state. */
  async setCamera(track: MediaStreamTrack | null): Promise<void> {
    await this.#local.set('camera', track);
  }

  /**
   * Puts an effect (see `backgroundEffect`, `voiceDisguise`) on our camera or microphone, or
   * removes it (null); from then on only its output is sent, on every path. Rejects, leaving the
   * source off, if the effect cannot run.
   */
  async setProcessor(source: ProcessedSource, processor: TrackProcessor | null): Promise<void> {
    await this.#local.setProcessor(source, processor);
  }

  /** What our camera or microphone sends now, after its effect (our own tile shows this). */
  sentTrack(source: ProcessedSource): MediaStreamTrack | null {
    return this.#local.output(source);
  }

  /** Shares a screen (see `openScreen`: its video, and its sound if any), or stops sharing (null). */
  async setScreen(track: MediaStreamTrack | null, audio: MediaStreamTrack | null = null): Promise<void> {
    await this.#local.set('screen', track);
    await this.#local.setScreenAudio(track ? audio : null);
  }

  /** How large a participant's camera (or screen) is shown, in device pixels (0×0: not shown): the
   * server sends the smallest layer that looks sharp at that size, nothing for video nobody sees. */
  setRenderedSize(participantId: string, width: number, height: number, source: 'camera' | 'screen' = 'camera'): void {
    this.#view.set(participantId, source, width, height);
  }

  /** Participants whose video we want most (first = most): they keep it past the server's last-N; [] unpins. */
  pin(participantIds: string[]): void {
    this.#signaling?.request({ type: 'pin', memberIds: participantIds.slice(0, 16) }).catch(() => {});
  }

  /**
   * Leaves the meeting and closes every connection; resolves once the server has our goodbye (or
   * could not be told). Local tracks are left to the caller. A `join()` still running rejects
   * with code `left`.
   */
  async leave(): Promise<void> {
    if (this.#state === 'left') return;
    this.#joinAbort.abort();
    const link = this.#signaling;
    const goodbye = link?.request({ type: 'leave' }).catch(() => {});
    this.#signaling = null;
    this.#cleanup();
    this.#setState('left');
    await goodbye;
    link?.close();
  }

  #startMediaPath(signaling: SignalingRequester, encryption: E2eeSession['media'] | null): void {
    const path = new MediaPathSwitch(
      {
        signaling,
        receive: () => this.#bridge.receive,
        choice: this.options.p2p ?? 'off',
        encryption,
        track: (source) => this.#local.sent(source),
        pauseBridge: (paused) => this.#local.pauseBridge(paused),
        usePeerTracks: (peerId, tracks) => {
          this.#peerId = tracks ? peerId : null;
          if (tracks) this.#update(peerId, { audioTrack: tracks.audio, cameraTrack: tracks.video, screenTrack: tracks.screen });
          else this.#applySlots(this.#slots);
        },
      },
      this.#serverHost(),
    );
    this.#path = path;
    this.#local.setPeer(path);
    path.on('changed', (info) => this.emit('media-path', info));
  }

  #serverHost(): string {
    return new URL(this.options.serverUrl ?? location.origin).hostname;
  }

  /** Refuses (and leaves) rather than ever sending or receiving media in the clear. */
  #startE2ee(signaling: SignalingRequester, selfId: string): void {
    // requestJoin refused (and left) already when this browser cannot encrypt.
    const api = encodedTransformApi();
    if (!api) throw e2eeRefusal('e2ee-unsupported');
    const session = new E2eeSession(selfId, api, (message) => signaling.request(message), this.options.e2eeWorker);
    this.#e2ee = session;
    session.on('status', (status) => this.emit('e2ee', status));
    session.on('data', (from, data, privately) => this.#messages.receive(from, data, privately));
    session.setRoster(this.#roster.order);
    session.start().catch(() => {});
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
        this.#gone(participant);
        return;
      }
      case 'removed':
        // A moderator's decision stands; after anything else (a server restarting, media that
        // could not be restarted, a socket back too late) joining again is what the person wants.
        if (event.reason === 'kicked' || event.reason === 'ended') this.#disconnect(removal(event.reason));
        else this.#rejoin();
        return;
      case 'member-updated': {
        const { id, ...changes } = event.member;
        if (id === this.#selfId) this.controls.updateSelf(event.member);
        else this.#update(id, changes);
        return;
      }
      case 'room-state':
      case 'lobby':
      case 'moderation':
        this.controls.handle(event);
        return;
      case 'media-restart':
      case 'offer':
      case 'tracks':
      case 'candidate':
      case 'layers':
        this.#bridge.handle(event);
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
        else this.#messages.receive(event.from, safeFromBase64(event.payload), false);
        return;
    }
  }

  #applySlots(slots: RemoteSlot[]): void {
    this.#slots = slots;
    // While peer to peer, the peer's media comes from that connection, not from bridge slots.
    for (const participant of this.#roster.applySlots(slots, this.#peerId)) {
      this.emit('participant-updated', participant);
    }
  }

  #update(id: string, changes: Partial<RemoteParticipant>): void {
    const next = this.#roster.update(id, changes);
    if (next) this.emit('participant-updated', next);
  }

  #disconnect(error: ConferenceError): void {
    if (this.#state === 'idle' || this.#state === 'left' || this.#state === 'disconnected') return;
    this.#endedBy = error;
    this.#cleanup();
    this.#setState('disconnected');
    this.emit('disconnected', error);
  }

  #cleanup(): void {
    this.#view.close();
    this.#local.close();
    this.#closeMediaAndKeys();
    this.#signaling?.close();
    this.#signaling = null;
  }

  /** Closes every peer connection and the E2EE session of the current membership. */
  #closeMediaAndKeys(): void {
    this.#path?.close();
    this.#path = null;
    this.#local.setPeer(null);
    this.#peerId = null;
    this.#e2ee?.close();
    this.#e2ee = null;
    this.#bridge.close();
  }
}
