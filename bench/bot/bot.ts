import type { ServerMessage, TrackSlot } from '@sotto/protocol';
import { PROTOCOL_VERSION, parseServerMessage } from '@sotto/protocol';
import type { PeerConnection, Track } from 'node-datachannel';
import nodeDataChannel from 'node-datachannel';
import WebSocket from 'ws';
import { buildReceiverReport } from '../../packages/server/src/sfu/rtp/rtcp.ts';
import { isRtcp, RtpView } from '../../packages/server/src/sfu/rtp/rtp-view.ts';
import { isVp8KeyFrame } from '../../packages/server/src/sfu/rtp/vp8.ts';
import { createBotPeer, localDescription } from './bot-peer.ts';
import { RtpWriter } from './rtp-writer.ts';
import { opusPayload, vp8FramePayloads } from './synthetic-media.ts';

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
const AUDIO_LEVEL_ID = 1;

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
  videoPacketsSent = 0;
  /** Original sequence numbers of RTX retransmissions received (RFC 4588). */
  readonly retransmitted: number[] = [];
  /** Receiver reports the SFU sent about our published streams. */
  receiverReports = 0;
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, (m: ServerMessage) => void>();
  readonly #events: ServerMessage[] = [];
  readonly #listeners = new Set<(m: ServerMessage) => void>();
  readonly #tracks: Track[] = [];
  #nextId = 1;
  #receivePc: PeerConnection | null = null;
  #publishPc: PeerConnection | null = null;
  #timers: NodeJS.Timeout[] = [];
  #forceKeyFrame = true;
  #closed = false;

  private constructor(ws: WebSocket, options: Required<BotOptions>) {
    this.#ws = ws;
    this.options = options;
    ws.on('message', (data) => this.#onMessage(data.toString()));
  }

  static async join(options: BotOptions): Promise<Bot> {
    const full: Required<BotOptions> = { videoBitrate: 1_500_000, audio: true, fps: 30, keyFrameIntervalMs: 3000, ...options };
    const ws = new WebSocket(`${options.serverUrl.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const bot = new Bot(ws, full);
    await bot.request({ type: 'hello', protocol: PROTOCOL_VERSION });
    const joined = (await bot.request({ type: 'join', room: options.room, name: options.name })) as { self: { id: string } };
    bot.memberId = joined.self.id;
    if (full.audio) bot.#startAudio();
    if (full.videoBitrate > 0) await bot.#publishVideo();
    return bot;
  }

  get events(): readonly ServerMessage[] {
    return this.#events;
  }

  /** Sends a request and resolves with its result; rejects with the error reply. */
  request(message: Record<string, unknown>): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (reply) => {
        if (reply.type === 'ok') resolve(reply.result);
        else if (reply.type === 'error') reject(Object.assign(new Error(reply.message), { code: reply.code }));
      });
      this.#ws.send(JSON.stringify({ ...message, id }));
    });
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
      const pending = message.id === null ? undefined : this.#pending.get(message.id);
      if (pending && message.id !== null) {
        this.#pending.delete(message.id);
        pending(message);
      }
      return;
    }
    this.#events.push(message);
    if (message.type === 'offer') this.#answer(message.revision, message.sdp).catch(() => {});
    if (message.type === 'tracks') this.slots = message.slots;
    if (message.type === 'candidate') {
      try {
        this.#receivePc?.addRemoteCandidate(message.candidate, message.mid);
      } catch {
        // the connection was closed on purpose (stopMedia)
      }
    }
    for (const listener of [...this.#listeners]) listener(message);
  }

  #audioWriter = new RtpWriter((Math.random() * 0xffffffff) >>> 0, OPUS_PT);
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
        audio.addSSRC(this.#audioWriter.ssrc, 'bot', 'bot-mic', 'bot-mic-track');
        audio.parseSdpLine(`a=extmap:${AUDIO_LEVEL_ID} urn:ietf:params:rtp-hdrext:ssrc-audio-level`);
        const microphone = pc.addTrack(audio);
        this.#microphone = microphone;
        this.#tracks.push(microphone);
        // Like a browser, report reception regularly (the SFU reads silence as a dead path).
        this.#timers.push(
          setInterval(() => {
            if (!microphone.isOpen()) return;
            try {
              microphone.sendMessageBinary(buildReceiverReport(this.#audioWriter.ssrc, []));
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
      stream.bytes += packet.length;
      if (kind === 'video' && isVp8KeyFrame(view.payload())) {
        stream.keyFrames++;
        if (!stream.firstKeyFrameAt) stream.firstKeyFrameAt = now;
      }
    });
  }

  #startAudio(): void {
    const payload = opusPayload();
    this.#audioWriter.extension = { id: AUDIO_LEVEL_ID, value: () => this.audioLevel };
    this.#timers.push(
      setInterval(() => {
        const mic = this.#microphone;
        if (!mic?.isOpen()) return;
        try {
          mic.sendMessageBinary(this.#audioWriter.packet(payload, false));
        } catch {}
        this.#audioWriter.advance(960);
      }, 20),
    );
  }

  async #publishVideo(): Promise<void> {
    const pc = createBotPeer(`bot-${this.options.name}-pub`);
    this.#publishPc = pc;
    const writer = new RtpWriter((Math.random() * 0xffffffff) >>> 0, VP8_PT);
    const video = new nodeDataChannel.Video('0', 'SendOnly');
    video.addVP8Codec(VP8_PT);
    video.addSSRC(writer.ssrc, 'bot', 'bot-camera', 'bot-camera-track');
    const track = pc.addTrack(video);
    this.#tracks.push(track);
    track.onMessage((packet) => {
      if (!isRtcp(packet)) return;
      // PLI (PSFB fmt 1) or FIR (fmt 4) from the SFU: the next frame is a key frame.
      if (packet[1] === 206 && ((packet[0] as number) & 0x1f) !== 15) {
        this.keyFrameRequests++;
        this.#forceKeyFrame = true;
      }
      if (packet[1] === 201) this.receiverReports++;
    });
    const offer = await localDescription(pc, () => pc.setLocalDescription('offer'));
    const { sdp } = (await this.request({ type: 'publish', source: 'camera', sdp: offer })) as { sdp: string };
    pc.setRemoteDescription(sdp, 'answer');

    const fps = this.options.fps;
    const frameBytes = Math.round(this.options.videoBitrate / 8 / fps);
    let pictureId = 0;
    let lastKeyFrame = 0;
    this.#timers.push(
      setInterval(() => {
        if (!track.isOpen()) return;
        const now = Date.now();
        const keyFrame = this.#forceKeyFrame || now - lastKeyFrame >= this.options.keyFrameIntervalMs;
        if (keyFrame) {
          this.#forceKeyFrame = false;
          lastKeyFrame = now;
        }
        const payloads = vp8FramePayloads({ keyFrame, pictureId: pictureId++, size: keyFrame ? frameBytes * 3 : frameBytes });
        payloads.forEach((payload, i) => {
          try {
            if (track.sendMessageBinary(writer.packet(payload, i === payloads.length - 1))) this.videoPacketsSent++;
          } catch {}
        });
        writer.advance(Math.round(90000 / fps));
      }, 1000 / fps),
    );
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
    for (const t of this.#timers) clearInterval(t);
    this.#ws.terminate();
    this.#publishPc?.close();
    this.#receivePc?.close();
  }

  /** Stops reading the socket (so no pong answers a ping) and sending media: a frozen tab. */
  freeze(): void {
    for (const t of this.#timers) clearInterval(t);
    (this.#ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  /** Stops media but keeps the socket open (a tab whose network died, for example). */
  stopMedia(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#publishPc?.close();
    this.#receivePc?.close();
  }
}
