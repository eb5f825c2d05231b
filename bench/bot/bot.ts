import type { ClientRequest, ResultOf, ServerMessage, TrackSlot } from '@sotto/protocol';
import { PROTOCOL_VERSION, parseServerMessage, RequestCorrelator } from '@sotto/protocol';
import type { PeerConnection, Track } from 'node-datachannel';
import nodeDataChannel from 'node-datachannel';
import WebSocket from 'ws';
import { buildReceiverReport, parseRtcp } from '../../packages/server/src/sfu/rtp/rtcp.ts';
import { isRtcp, RtpView } from '../../packages/server/src/sfu/rtp/rtp-view.ts';
import { isVp8KeyFrame } from '../../packages/server/src/sfu/rtp/vp8.ts';
import type { ReceiveMeter } from '../metrics/receive-meter.ts';
import { AUDIO_LEVEL_EXTENSION, AudioSender } from './audio-sender.ts';
import { BotE2ee } from './bot-e2ee.ts';
import { createBotPeer, localDescription } from './bot-peer.ts';
import { hasKeyFrameRequest } from './key-frame-request.ts';
import { SIMULCAST_ENCODINGS, videoDescription } from './video-encodings.ts';
import { VideoSender } from './video-sender.ts';

export interface BotOptions {
  /** Server base URL, e.g. http://127.0.0.1:8080 */
  serverUrl: string;
  room: string;
  name: string;
  /** Video bitrate in bit/s; 0 publishes no camera. */
  videoBitrate?: number;
  audio?: boolean;
  fps?: number;
  /** A key frame at least this often (and on every PLI). */
  keyFrameIntervalMs?: number;
  /**
   * Publish three simulcast layers (rids q/h/f, 320x180 / 640x360 / 1280x720 at 150 / 500 /
   * 1500 kbit/s) instead of one stream at `videoBitrate` (which then only says "camera or not").
   */
  simulcast?: boolean;
  /** Counts received media for the benchmark (loss, delay). */
  meter?: ReceiveMeter | null;
  /** Simulated loss on the way to the server: every Nth video packet is never sent (0 = none). */
  dropEvery?: number;
  /**
   * Take part in the meeting's end-to-end encryption (MLS + SFrame, with the SDK's code). Off,
   * the bot joins an E2EE meeting but only exercises the SFU: nobody can decrypt its media.
   */
  e2ee?: boolean;
  /**
   * With e2ee: decrypt the media received (the default). Off, the bot still receives and counts
   * it: for members that stand in for other people's devices, whose decryption is not measured.
   */
  decryptMedia?: boolean;
  /** Audio sequence numbers advance by this much per packet: 1 honestly, more for an attacker. */
  audioSequenceStep?: number;
}

export interface ReceivedStream {
  ssrc: number;
  kind: 'audio' | 'video';
  packets: number;
  bytes: number;
  keyFrames: number;
  firstPacketAt: number;
  firstKeyFrameAt: number;
  lastSequence: number;
}

const VP8_PT = 96;
const OPUS_PT = 111;
const VP8_RTX_PT = 97;
const AUDIO_LEVEL_ID = AUDIO_LEVEL_EXTENSION.id;

/**
 * An engine-level participant: joins through real signaling and real WebRTC (node-datachannel),
 * sends pre-made VP8/Opus RTP, counts what it receives. No browser, no encoding: cheap enough to
 * run tens of them.
 */
export class Bot {
  readonly options: Required<BotOptions>;
  memberId = '';
  readonly received = new Map<number, ReceivedStream>();
  slots: TrackSlot[] = [];
  keyFrameRequests = 0;
  /** RFC 6464 level written into our audio packets: 0 = loudest, 127 = silence. */
  audioLevel = 127;
  /** Original sequence numbers of RTX retransmissions received (RFC 4588). */
  readonly retransmitted: number[] = [];
  retransmittedBytes = 0;
  /** Video sequence numbers we deliberately did not send (dropEvery). */
  get droppedVideo(): readonly number[] {
    return this.#video?.dropped ?? [];
  }

  /** Sequence numbers the server asked us to send again (NACKs about our video). */
  readonly nacked: number[] = [];
  /** Receiver reports the SFU sent about our published streams. */
  receiverReports = 0;
  readonly #ws: WebSocket;
  readonly #requests: RequestCorrelator;
  readonly #events: ServerMessage[] = [];
  readonly #listeners = new Set<(m: ServerMessage) => void>();
  readonly #tracks: Track[] = [];
  #receivePc: PeerConnection | null = null;
  #publishPc: PeerConnection | null = null;
  #timers: NodeJS.Timeout[] = [];
  readonly #audio = new AudioSender(OPUS_PT, () => this.audioLevel);
  #video: VideoSender | null = null;
  #closed = false;
  /** stopMedia was called: the bot's media stays dead (it answers no new offer). */
  #mediaStopped = false;
  /** `media-restart` events the bot followed (new connections, camera published again). */
  mediaRestarts = 0;
  /** The bot's end-to-end encryption, when it takes part in it. */
  e2ee: BotE2ee | null = null;
  /** When the join request was sent (performance.now()). */
  joinStartedAt = 0;

  private constructor(ws: WebSocket, options: Required<BotOptions>) {
    this.#ws = ws;
    this.options = options;
    this.#requests = new RequestCorrelator((frame) => ws.send(frame));
    ws.on('message', (data) => this.#onMessage(data.toString()));
    ws.on('close', () => this.#requests.failAll(new Error('the bot socket closed')));
  }

  static async join(options: BotOptions): Promise<Bot> {
    const full: Required<BotOptions> = {
      videoBitrate: 1_500_000,
      audio: true,
      fps: 30,
      keyFrameIntervalMs: 3000,
      simulcast: false,
      meter: null,
      dropEvery: 0,
      e2ee: false,
      decryptMedia: true,
      audioSequenceStep: 1,
      ...options,
    };
    const ws = new WebSocket(`${options.serverUrl.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const bot = new Bot(ws, full);
    await bot.request({ type: 'hello', protocol: PROTOCOL_VERSION });
    bot.joinStartedAt = performance.now();
    const joined = await bot.request({ type: 'join', room: options.room, name: options.name });
    bot.memberId = joined.self.id;
    if (full.e2ee && joined.e2ee) {
      // The roster in join order: everyone already there, then us.
      const roster = [...joined.members.map((m) => m.id), bot.memberId];
      const e2ee = new BotE2ee(bot.memberId, roster, (message) => bot.request(message));
      bot.e2ee = e2ee;
      bot.#audio.protect = (frame) => e2ee.protect('audio', frame);
      // Events that arrived with the join reply are MLS tasks too.
      for (const event of bot.#events) e2ee.handle(event);
      await e2ee.agreement.start();
    }
    bot.#audio.sequenceStep = full.audioSequenceStep;
    if (full.audio) bot.#audio.start(() => bot.#microphone);
    if (full.videoBitrate > 0) await bot.#publishVideo();
    return bot;
  }

  /** RTP packets sent on the camera, over all layers. */
  get videoPacketsSent(): number {
    return this.#video?.packetsSent ?? 0;
  }

  get events(): readonly ServerMessage[] {
    return this.#events;
  }

  /** Sends a request and resolves with its validated result; rejects with a RequestError. */
  request<R extends ClientRequest>(message: R): Promise<ResultOf<R['type']>> {
    return this.#requests.request(message);
  }

  /** Resolves with the first event (past or future) that matches. */
  waitForEvent(match: (m: ServerMessage) => boolean, timeoutMs = 10000): Promise<ServerMessage> {
    const past = this.#events.find(match);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        reject(new Error('timed out waiting for a server event'));
      }, timeoutMs);
      const listener = (m: ServerMessage) => {
        if (!match(m)) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(m);
      };
      this.#listeners.add(listener);
    });
  }

  #onMessage(text: string): void {
    const parsed = parseServerMessage(text);
    if (!parsed.ok) throw new Error(`bot got an invalid server message: ${parsed.message}`);
    const message = parsed.message;
    if (message.type === 'ok' || message.type === 'error') {
      this.#requests.settle(message);
      return;
    }
    this.#events.push(message);
    this.e2ee?.handle(message);
    if (message.type === 'media-restart') this.#restartMedia().catch(() => {});
    if (message.type === 'offer' && !this.#mediaStopped) this.#answer(message.revision, message.sdp).catch(() => {});
    if (message.type === 'tracks') this.slots = message.slots;
    if (message.type === 'layers' && message.source === 'camera') this.#video?.setActive(message.active);
    if (message.type === 'candidate') {
      try {
        this.#receivePc?.addRemoteCandidate(message.candidate, message.mid);
      } catch {
        // the connection was closed on purpose (stopMedia)
      }
    }
    for (const listener of [...this.#listeners]) listener(message);
  }

  #microphone: Track | null = null;

  async #answer(revision: number, sdp: string): Promise<void> {
    if (!this.#receivePc) {
      this.#receivePc = createBotPeer(`bot-${this.options.name}-recv`);
      this.#receivePc.onTrack((track) => this.#receiveOn(track));
    }
    const pc = this.#receivePc;
    const answer = await localDescription(pc, () => {
      pc.setRemoteDescription(sdp, 'offer');
      if (!this.#microphone) {
        const audio = new nodeDataChannel.Audio('0', 'SendOnly');
        audio.addOpusCodec(OPUS_PT);
        audio.addSSRC(this.#audio.ssrc, 'bot', 'bot-mic', 'bot-mic-track');
        audio.parseSdpLine(`a=extmap:${AUDIO_LEVEL_ID} urn:ietf:params:rtp-hdrext:ssrc-audio-level`);
        const microphone = pc.addTrack(audio);
        this.#microphone = microphone;
        this.#tracks.push(microphone);
        // Like a browser, report reception regularly (the SFU reads silence as a dead path).
        this.#timers.push(
          setInterval(() => {
            if (!microphone.isOpen()) return;
            try {
              microphone.sendMessageBinary(buildReceiverReport(this.#audio.ssrc, []));
            } catch {}
          }, 1000),
        );
      }
      pc.setLocalDescription('answer');
    });
    await this.request({ type: 'answer', revision, sdp: answer });
  }

  #receiveOn(track: Track): void {
    this.#tracks.push(track);
    const kind = track.type() === 'audio' ? 'audio' : 'video';
    const view = new RtpView();
    track.onMessage((packet) => {
      if (isRtcp(packet) || !view.reset(packet)) return;
      if (view.payloadType === VP8_RTX_PT) {
        this.retransmitted.push(view.payload().readUInt16BE(0));
        this.retransmittedBytes += packet.length;
        return;
      }
      const ssrc = view.ssrc;
      let stream = this.received.get(ssrc);
      const now = Date.now();
      if (!stream) {
        stream = { ssrc, kind, packets: 0, bytes: 0, keyFrames: 0, firstPacketAt: now, firstKeyFrameAt: 0, lastSequence: -1 };
        this.received.set(ssrc, stream);
      }
      stream.lastSequence = view.sequence;
      stream.packets++;
      if (this.options.decryptMedia) this.e2ee?.onPacket(kind, view);
      this.options.meter?.onRtp(kind, view);
      stream.bytes += packet.length;
      if (kind === 'video' && isVp8KeyFrame(view.payload())) {
        stream.keyFrames++;
        if (!stream.firstKeyFrameAt) stream.firstKeyFrameAt = now;
      }
    });
  }

  async #publishVideo(): Promise<void> {
    const pc = createBotPeer(`bot-${this.options.name}-pub`);
    this.#publishPc = pc;
    const encodings = this.options.simulcast
      ? SIMULCAST_ENCODINGS
      : [{ rid: null, width: 1280, height: 720, bitrate: this.options.videoBitrate }];
    const sender = new VideoSender({
      encodings,
      payloadType: VP8_PT,
      fps: this.options.fps,
      keyFrameIntervalMs: this.options.keyFrameIntervalMs,
      mid: '0',
      dropEvery: this.options.dropEvery,
      protect: this.e2ee ? (frame) => (this.e2ee as BotE2ee).protect('video', frame) : undefined,
    });
    this.#video = sender;
    // One m-line (Sotto's publish connections): libdatachannel routes everything to it, so the
    // rid layers need no SSRC lines, as with a browser.
    const track = pc.addTrack(
      videoDescription({ mid: '0', payloadType: VP8_PT, encodings, ssrcs: sender.ssrcs, listSsrcs: false }),
    );
    this.#tracks.push(track);
    track.onMessage((packet) => {
      if (!isRtcp(packet)) return;
      // PLI or FIR from the SFU: the next frame is a key frame.
      if (hasKeyFrameRequest(packet)) {
        this.keyFrameRequests++;
        sender.requestKeyFrame();
      }
      if (packet[1] === 201) this.receiverReports++;
      for (const item of parseRtcp(packet)) if (item.type === 'nack') this.nacked.push(...item.sequences);
    });
    const offer = await localDescription(pc, () => pc.setLocalDescription('offer'));
    const { sdp } = await this.request({ type: 'publish', source: 'camera', sdp: offer });
    if (this.options.simulcast) {
      // The server must accept every layer (`a=rid:X recv`), or it would ignore some of them.
      const accepted = encodings.filter((e) => sdp.includes(`a=rid:${e.rid} recv`)).length;
      if (accepted !== encodings.length)
        throw new Error(`the server accepted ${accepted} of ${encodings.length} simulcast layers`);
    }
    pc.setRemoteDescription(sdp, 'answer');
    sender.start(track);
  }

  /** Sends RTCP about the slot `mid` to the SFU (e.g. a PLI or NACK). */
  sendRtcp(mid: string, packet: Buffer): void {
    const track = this.#tracks.find((t) => t.mid() === mid && t !== this.#microphone);
    if (!track) throw new Error(`no receive track for mid ${mid}`);
    track.sendMessageBinary(packet);
  }

  /** Packets received per remote stream kind, over streams that got anything. */
  receivedCounts(): { video: number; audio: number } {
    let video = 0;
    let audio = 0;
    for (const s of this.received.values()) {
      if (s.kind === 'video') video++;
      else audio++;
    }
    return { video, audio };
  }

  /** Leaves politely. */
  async leave(): Promise<void> {
    if (this.#closed) return;
    await this.request({ type: 'leave' }).catch(() => {});
    this.close();
  }

  /** Vanishes: closes everything without saying goodbye (like a killed tab). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopSending();
    this.e2ee?.close();
    this.#ws.terminate();
    this.#publishPc?.close();
    this.#receivePc?.close();
  }

  #stopSending(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#audio.stop();
    this.#video?.stop();
  }

  /** Stops reading the socket (so no pong answers a ping) and sending media: a frozen tab. */
  freeze(): void {
    this.#stopSending();
    (this.#ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  /**
   * The server replaced our media connections: new ones, like a browser. The receive connection
   * is made for the offer that follows; the microphone goes on it; the camera publishes again.
   */
  async #restartMedia(): Promise<void> {
    if (this.#closed || this.#mediaStopped) return;
    this.mediaRestarts++;
    this.#video?.stop();
    this.#publishPc?.close();
    this.#receivePc?.close();
    this.#receivePc = null;
    this.#microphone = null;
    if (this.options.videoBitrate > 0) await this.#publishVideo();
  }

  /** Our media connections die (closed, as a dead network would leave them); a restart brings new ones. */
  breakMedia(): void {
    this.#publishPc?.close();
    this.#receivePc?.close();
  }

  /**
   * Stops media but keeps the socket open, and never makes new media connections: a client whose
   * UDP is blocked for good while its signaling works.
   */
  stopMedia(): void {
    this.#mediaStopped = true;
    this.#stopSending();
    this.#publishPc?.close();
    this.#receivePc?.close();
  }
}
