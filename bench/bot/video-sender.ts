import type { Track } from 'node-datachannel';
import { stampSendTime } from '../metrics/send-clock.ts';
import { RtpWriter } from './rtp-writer.ts';
import { packetizeVp8, vp8Frame, vp8FramePayloads } from './synthetic-media.ts';
import type { VideoEncoding } from './video-encodings.ts';
import { MID_EXTENSION, RID_EXTENSION } from './video-encodings.ts';

export interface VideoSenderOptions {
  encodings: readonly VideoEncoding[];
  payloadType: number;
  fps: number;
  /** A key frame at least this often (and after every requestKeyFrame). */
  keyFrameIntervalMs: number;
  /** The m-line's mid, written with each layer's rid into simulcast packets (as Chrome does). */
  mid: string;
  /** Simulated loss: every Nth packet is numbered but never sent (0 = none). */
  dropEvery?: number;
  /** End-to-end encryption of each whole frame before packetizing; null = drop the frame. */
  protect?: ((frame: Buffer) => Promise<Buffer | null>) | undefined;
}

/**
 * Sends pre-made VP8 frames on one track: one RTP stream per encoding, each frame split into
 * packets whose payload tail carries the send time. Key frames on every encoding at once.
 */
export class VideoSender {
  readonly ssrcs: number[];
  packetsSent = 0;
  /** Sequence numbers that were numbered but deliberately not sent (dropEvery). */
  readonly dropped: number[] = [];
  #numbered = 0;
  #active: boolean[] = [];
  readonly #options: VideoSenderOptions;
  readonly #writers: RtpWriter[];
  #timer: NodeJS.Timeout | null = null;
  #forceKeyFrame = true;
  /** Protected frames are sent in order, one after another. */
  #protecting: Promise<void> = Promise.resolve();

  constructor(options: VideoSenderOptions) {
    this.#options = options;
    this.#writers = options.encodings.map((encoding) => {
      const writer = new RtpWriter((Math.random() * 0xffffffff) >>> 0, options.payloadType);
      if (encoding.rid !== null) {
        const mid = Buffer.from(options.mid, 'ascii');
        const rid = Buffer.from(encoding.rid, 'ascii');
        writer.extensions = [
          { id: MID_EXTENSION.id, value: () => mid },
          { id: RID_EXTENSION.id, value: () => rid },
        ];
      }
      return writer;
    });
    this.ssrcs = this.#writers.map((w) => w.ssrc);
  }

  /** Which encodings to send (the server says which layers anybody needs); the first stays on. */
  setActive(active: readonly boolean[]): void {
    this.#active = this.#options.encodings.map((_, i) => i === 0 || (active[i] ?? false));
  }

  /** The next frame of every encoding is a key frame. */
  requestKeyFrame(): void {
    this.#forceKeyFrame = true;
  }

  start(track: Track): void {
    const { fps, encodings, keyFrameIntervalMs } = this.#options;
    const frameBytes = encodings.map((e) => Math.round(e.bitrate / 8 / fps));
    let pictureId = 0;
    let lastKeyFrame = 0;
    this.#timer = setInterval(() => {
      if (!track.isOpen()) return;
      const now = Date.now();
      const keyFrame = this.#forceKeyFrame || now - lastKeyFrame >= keyFrameIntervalMs;
      if (keyFrame) {
        this.#forceKeyFrame = false;
        lastKeyFrame = now;
      }
      encodings.forEach((encoding, i) => {
        if (this.#active[i] === false) return;
        const writer = this.#writers[i] as RtpWriter;
        const bytes = frameBytes[i] as number;
        const spec = { keyFrame, pictureId, size: keyFrame ? bytes * 3 : bytes, width: encoding.width, height: encoding.height };
        if (this.#options.protect) {
          this.#sendProtected(track, writer, spec);
          return;
        }
        const payloads = vp8FramePayloads({
          keyFrame,
          pictureId,
          size: keyFrame ? bytes * 3 : bytes,
          width: encoding.width,
          height: encoding.height,
        });
        payloads.forEach((payload, p) => {
          const packet = writer.packet(payload, p === payloads.length - 1);
          const drop = this.#options.dropEvery ?? 0;
          if (drop > 0 && ++this.#numbered % drop === 0) {
            this.dropped.push(packet.readUInt16BE(2));
            return;
          }
          stampSendTime(packet);
          try {
            if (track.sendMessageBinary(packet)) this.packetsSent++;
          } catch {}
        });
        writer.advance(Math.round(90000 / fps));
      });
      pictureId++;
    }, 1000 / fps);
  }

  #sendProtected(track: Track, writer: RtpWriter, spec: Parameters<typeof vp8Frame>[0]): void {
    const protect = this.#options.protect as (frame: Buffer) => Promise<Buffer | null>;
    const step = Math.round(90000 / this.#options.fps);
    this.#protecting = this.#protecting.then(async () => {
      const sealed = await protect(vp8Frame(spec)).catch(() => null);
      if (sealed) {
        const payloads = packetizeVp8(sealed, spec.pictureId);
        payloads.forEach((payload, p) => {
          try {
            if (track.sendMessageBinary(writer.packet(payload, p === payloads.length - 1))) this.packetsSent++;
          } catch {}
        });
      }
      writer.advance(step);
    });
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
