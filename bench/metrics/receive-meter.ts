import type { RtpView } from '../../packages/server/src/sfu/rtp/rtp-view.ts';
import { vp8KeyFrameSize } from '../../packages/server/src/sfu/rtp/vp8.ts';
import { nowMicros, readSendTime, SEND_STAMP_BYTES } from './send-clock.ts';
import { SequenceCounter } from './sequence-counter.ts';

/** What one receiving bot counted while the window was open. */
export interface ReceiveWindow {
  packets: number;
  /** Packets the senders sent on the streams seen (from sequence numbers). */
  expected: number;
  audioStreams: number;
  videoStreams: number;
  /** Receive time − send time of every packet, µs. */
  delaysMicros: number[];
}

/**
 * Counts what one bot receives, the same way for every server: packets, sequence gaps per stream,
 * and the delay of each packet from the send time stamped in its payload. Only packets that
 * arrive while the window is open count, so warm-up and teardown stay out of the figures.
 */
export class ReceiveMeter {
  /** Sizes of the video key frames received in the window ("320x180" → count): which layer arrived. */
  readonly keyFrameSizes = new Map<string, number>();
  #open = false;
  #streams = new Map<number, { kind: 'audio' | 'video'; counter: SequenceCounter }>();
  #delays: number[] = [];

  /** One media packet (RTP, not RTX), already parsed. */
  onRtp(kind: 'audio' | 'video', view: RtpView): void {
    if (!this.#open) return;
    const receivedAt = nowMicros();
    if (kind === 'video') {
      const size = vp8KeyFrameSize(view.payload());
      if (size) {
        const key = `${size.width}x${size.height}`;
        this.keyFrameSizes.set(key, (this.keyFrameSizes.get(key) ?? 0) + 1);
      }
    }
    let stream = this.#streams.get(view.ssrc);
    if (!stream) {
      stream = { kind, counter: new SequenceCounter() };
      this.#streams.set(view.ssrc, stream);
    }
    stream.counter.onSequence(view.sequence);
    if (view.payloadLength >= SEND_STAMP_BYTES) {
      this.#delays.push(receivedAt - readSendTime(view.buffer, view.payloadOffset + view.payloadLength));
    }
  }

  start(): void {
    this.#streams.clear();
    this.keyFrameSizes.clear();
    this.#delays = [];
    this.#open = true;
  }

  stop(): ReceiveWindow {
    this.#open = false;
    let packets = 0;
    let expected = 0;
    let audioStreams = 0;
    let videoStreams = 0;
    for (const { kind, counter } of this.#streams.values()) {
      packets += counter.received;
      expected += counter.expected;
      if (kind === 'audio') audioStreams++;
      else videoStreams++;
    }
    return { packets, expected, audioStreams, videoStreams, delaysMicros: this.#delays };
  }
}
