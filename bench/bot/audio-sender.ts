import type { Track } from 'node-datachannel';
import { stampSendTime } from '../metrics/send-clock.ts';
import { RtpWriter } from './rtp-writer.ts';
import { opusPayload } from './synthetic-media.ts';

/** RFC 6464 audio level; Chrome's id for it. */
export const AUDIO_LEVEL_EXTENSION = { id: 1, uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' } as const;

/** Sends a pre-made Opus packet every 20 ms with an audio level, on whatever track is open. */
export class AudioSender {
  readonly writer: RtpWriter;
  #timer: NodeJS.Timeout | null = null;
  /** End-to-end encryption of each Opus frame; null = drop it. */
  protect: ((frame: Buffer) => Promise<Buffer | null>) | null = null;
  /** How far the sequence number moves per packet: 1 honestly; an attacker jumps (gaps the SFU must not track). */
  sequenceStep = 1;

  constructor(payloadType: number, level: () => number) {
    this.writer = new RtpWriter((Math.random() * 0xffffffff) >>> 0, payloadType);
    this.writer.extension = { id: AUDIO_LEVEL_EXTENSION.id, value: level };
  }

  get ssrc(): number {
    return this.writer.ssrc;
  }

  /** `track` is asked on every tick: the microphone track may appear later (Sotto's first offer). */
  start(track: () => Track | null): void {
    const payload = opusPayload();
    this.#timer = setInterval(() => {
      const mic = track();
      if (mic?.isOpen() && this.protect) {
        // Encrypted (async): write the packet with the sequence number and timestamp of now.
        const writer = this.writer;
        const packet = writer.packet(payload, false);
        this.protect(payload).then((sealed) => {
          if (!sealed || !mic.isOpen()) return;
          const out = Buffer.concat([packet.subarray(0, packet.length - payload.length), sealed]);
          try {
            mic.sendMessageBinary(out);
          } catch {}
        });
      } else if (mic?.isOpen()) {
        const packet = this.writer.packet(payload, false);
        stampSendTime(packet);
        try {
          mic.sendMessageBinary(packet);
        } catch {}
      }
      this.writer.sequence = (this.writer.sequence + this.sequenceStep - 1) & 0xffff;
      this.writer.advance(960);
    }, 20);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
