import type { PeerConnection, Track } from 'node-datachannel';
import nodeDataChannel from 'node-datachannel';
import { parse } from 'sdp-transform';
import { isRtcp, RtpView } from '../../packages/server/src/sfu/rtp/rtp-view.ts';
import { AUDIO_LEVEL_EXTENSION, AudioSender } from '../bot/audio-sender.ts';
import { createBotPeer, localDescription } from '../bot/bot-peer.ts';
import { hasKeyFrameRequest } from '../bot/key-frame-request.ts';
import { SIMULCAST_ENCODINGS, videoDescription } from '../bot/video-encodings.ts';
import { VideoSender } from '../bot/video-sender.ts';
import type { ReceiveMeter } from '../metrics/receive-meter.ts';
import type { JanusHandle } from './janus-api.ts';
import { JanusSession } from './janus-api.ts';

const VIDEOROOM = 'janus.plugin.videoroom';
const VP8_PT = 96;
const OPUS_PT = 111;
/** Our publish offer: audio first, then the simulcast camera. */
const AUDIO_MID = '0';
const VIDEO_MID = '1';

export interface JanusBotOptions {
  apiUrl: string;
  room: number;
  name: string;
  /** Address the bot's peer connections use: Janus has candidates on the machine's own address only. */
  bindAddress: string;
  /** Publish simulcast video (q/h/f) + Opus, as the Sotto bots do. */
  publish: boolean;
  meter: ReceiveMeter | null;
  fps?: number;
  keyFrameIntervalMs?: number;
}

/** A publisher stream of another bot to subscribe to. */
export interface JanusFeed {
  id: number;
  audioMid: string;
  videoMid: string;
}

/**
 * The Janus counterpart of Bot: same synthetic media, same counting, through the videoroom plugin
 * (Janus 1.x multistream API). Publishing: one peer connection with Opus and a VP8 simulcast
 * m-line (`join` as publisher, then `publish` with our offer). Receiving: one subscriber handle
 * for every feed (`join` as subscriber with a `streams` list, low layer), answered with `start`.
 */
export class JanusBot {
  readonly options: JanusBotOptions;
  /** Our publisher id in the room; null when not publishing. */
  feed: JanusFeed | null = null;
  keyFrameRequests = 0;
  readonly #session: JanusSession;
  readonly #audio = new AudioSender(OPUS_PT, () => 127);
  #video: VideoSender | null = null;
  readonly #pcs: PeerConnection[] = [];
  /** Keeps every track referenced: a collected Track stops delivering. */
  readonly #tracks: Track[] = [];
  #closed = false;

  private constructor(session: JanusSession, options: JanusBotOptions) {
    this.#session = session;
    this.options = options;
  }

  static async join(options: JanusBotOptions): Promise<JanusBot> {
    const bot = new JanusBot(await JanusSession.create(options.apiUrl), options);
    try {
      if (options.publish) await bot.#publish();
    } catch (error) {
      await bot.close();
      throw error;
    }
    return bot;
  }

  get videoPacketsSent(): number {
    return this.#video?.packetsSent ?? 0;
  }

  async #publish(): Promise<void> {
    const handle = await this.#session.attach(VIDEOROOM);
    const joined = await handle.request({
      request: 'join',
      ptype: 'publisher',
      room: this.options.room,
      display: this.options.name,
    });
    const pc = this.#peer('pub');
    const audio = new nodeDataChannel.Audio(AUDIO_MID, 'SendOnly');
    audio.addOpusCodec(OPUS_PT);
    audio.addSSRC(this.#audio.ssrc, 'bot', 'bot-mic', 'bot-mic-track');
    audio.parseSdpLine(`a=extmap:${AUDIO_LEVEL_EXTENSION.id} ${AUDIO_LEVEL_EXTENSION.uri}`);
    const microphone = pc.addTrack(audio);
    const sender = new VideoSender({
      encodings: SIMULCAST_ENCODINGS,
      payloadType: VP8_PT,
      fps: this.options.fps ?? 30,
      keyFrameIntervalMs: this.options.keyFrameIntervalMs ?? 3000,
      mid: VIDEO_MID,
    });
    this.#video = sender;
    // Two m-lines here, so the layer SSRCs are listed: libdatachannel then routes Janus' PLIs
    // about them to this track (Janus itself maps layers by rid and ignores these lines).
    const camera = pc.addTrack(
      videoDescription({
        mid: VIDEO_MID,
        payloadType: VP8_PT,
        encodings: SIMULCAST_ENCODINGS,
        ssrcs: sender.ssrcs,
        listSsrcs: true,
      }),
    );
    this.#tracks.push(microphone, camera);
    camera.onMessage((packet) => {
      if (isRtcp(packet) && hasKeyFrameRequest(packet)) {
        this.keyFrameRequests++;
        sender.requestKeyFrame();
      }
    });
    const offer = await localDescription(pc, () => pc.setLocalDescription('offer'));
    const published = await handle.request(
      { request: 'publish' },
      { type: 'offer', sdp: offer, trickle: false, rid_order: 'lmh' },
    );
    const answer = published.jsep?.sdp;
    if (!answer) throw new Error('Janus answered "publish" without an SDP');
    // Janus must accept every layer (`a=rid:X recv`), as we require of Sotto.
    const accepted = SIMULCAST_ENCODINGS.filter((e) => answer.includes(`a=rid:${e.rid} recv`)).length;
    if (accepted !== SIMULCAST_ENCODINGS.length) throw new Error(`Janus accepted ${accepted} of 3 simulcast layers`);
    pc.setRemoteDescription(answer, 'answer');
    // Subscribing to a feed works only once its peer connection is up.
    await handle.waitFor('webrtcup');
    this.feed = { id: joined.data.id as number, audioMid: AUDIO_MID, videoMid: VIDEO_MID };
    this.#audio.start(() => microphone);
    sender.start(camera);
  }

  /** Receives the audio and the low simulcast layer (substream 0) of every feed, on one connection. */
  async subscribe(feeds: readonly JanusFeed[]): Promise<void> {
    const handle: JanusHandle = await this.#session.attach(VIDEOROOM);
    const streams = feeds.flatMap((f) => [
      { feed: f.id, mid: f.audioMid },
      { feed: f.id, mid: f.videoMid, substream: 0 },
    ]);
    const attached = await handle.request({ request: 'join', ptype: 'subscriber', room: this.options.room, streams });
    const offer = attached.jsep?.sdp;
    if (!offer) throw new Error('Janus sent no offer for the subscription');
    const mediaPayloadTypes = new Map<string, Set<number>>();
    for (const media of parse(offer).media) {
      const wanted = media.rtp.filter((r) => /^(vp8|opus)$/i.test(r.codec)).map((r) => r.payload);
      mediaPayloadTypes.set(String(media.mid), new Set(wanted));
    }
    const pc = this.#peer('sub');
    pc.onTrack((track) => {
      this.#tracks.push(track);
      const kind = track.type() === 'audio' ? 'audio' : 'video';
      const payloadTypes = mediaPayloadTypes.get(track.mid()) ?? new Set<number>();
      const view = new RtpView();
      track.onMessage((packet) => {
        if (isRtcp(packet) || !view.reset(packet) || !payloadTypes.has(view.payloadType)) return;
        this.options.meter?.onRtp(kind, view);
      });
    });
    const answer = await localDescription(pc, () => {
      pc.setRemoteDescription(offer, 'offer');
      pc.setLocalDescription('answer');
    });
    await handle.request({ request: 'start' }, { type: 'answer', sdp: answer, trickle: false });
  }

  #peer(label: string): PeerConnection {
    const pc = createBotPeer(`janus-${this.options.name}-${label}`, this.options.bindAddress);
    this.#pcs.push(pc);
    return pc;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#audio.stop();
    this.#video?.stop();
    for (const pc of this.#pcs) pc.close();
    await this.#session.close();
  }
}
