import type { MediaKind } from './codecs.ts';
import { codecOf, VP8_RTX } from './codecs.ts';
import type { EngineTrack } from './engine/engine-connection.ts';
import type { PacketSink, Publisher } from './publisher.ts';
import { parseRtcp, rewriteSenderReport } from './rtp/rtcp.ts';
import { RtpView, writeRetransmission, writeRewritten } from './rtp/rtp-view.ts';
import { seqAdd, seqDelta, seqNewer } from './rtp/sequence.ts';
import { isVp8KeyFrame } from './rtp/vp8.ts';

/** Packets at most 1500 bytes plus room: one scratch buffer for every rewrite in the process. */
const scratch = Buffer.allocUnsafe(2048);
const retransmitView = new RtpView();

/**
 * One m-line of a subscriber's receive connection, with its own SSRC. A slot carries one
 * publisher at a time and can be re-bound to another without renegotiation: sequence numbers and
 * timestamps continue where the previous source left off, so the receiver sees one stream.
 */
export class Slot implements PacketSink {
  readonly mid: string;
  readonly kind: MediaKind;
  readonly ssrc: number;
  /** SSRC of the RTX stream (RFC 4588) for retransmissions; null where RTX is not offered. */
  readonly rtxSsrc: number | null;
  readonly #track: EngineTrack;
  readonly #payloadType: number;
  readonly #rtxPayloadType: number;
  readonly #clockRate: number;
  readonly #now: () => number;
  #publisher: Publisher | null = null;
  #open = false;
  /** Video must start on a key frame after every (re)bind or send failure. */
  #needKeyFrame = true;
  /** Offsets are computed from the first packet after a bind. */
  #rebase = true;
  #seqOffset = 0;
  #tsOffset = 0;
  /** Out sequence of the first packet of the current binding; NACKs before it are ignored. */
  #firstOutSeq = 0;
  #lastOutSeq: number;
  #lastOutTs: number;
  /** When we last forwarded a packet here, and last heard feedback about it (liveness). */
  lastSentAt = 0;
  lastFeedbackAt = 0;
  packetsOut = 0;
  retransmissions = 0;

  #rtxSequence = Math.floor(Math.random() * 0x10000);

  constructor(
    mid: string,
    kind: MediaKind,
    ssrc: number,
    rtxSsrc: number | null,
    track: EngineTrack,
    now: () => number = Date.now,
  ) {
    this.mid = mid;
    this.kind = kind;
    this.ssrc = ssrc;
    this.rtxSsrc = rtxSsrc;
    this.#track = track;
    this.#now = now;
    const codec = codecOf(kind);
    this.#payloadType = codec.payloadType;
    this.#rtxPayloadType = kind === 'video' ? VP8_RTX.payloadType : -1;
    this.#clockRate = codec.clockRate;
    this.#lastOutSeq = Math.floor(Math.random() * 0x10000);
    this.#lastOutTs = Math.floor(Math.random() * 0x100000000);
    track.onOpen(() => {
      this.#open = true;
      this.#publisher?.requestKeyFrame();
    });
    track.onPacket((packet) => this.#onRtcp(packet));
  }

  get publisher(): Publisher | null {
    return this.#publisher;
  }

  /** Points the slot at another publisher (or none). */
  bind(publisher: Publisher | null): void {
    if (publisher === this.#publisher) return;
    this.#publisher?.removeSink(this);
    this.#publisher = publisher;
    this.#needKeyFrame = this.kind === 'video';
    this.#rebase = true;
    if (publisher) {
      publisher.addSink(this);
      if (this.#open) publisher.requestKeyFrame();
    }
  }

  forward(view: RtpView): void {
    if (!this.#open) return;
    if (this.#needKeyFrame) {
      if (!isVp8KeyFrame(view.payload())) {
        this.#publisher?.requestKeyFrame();
        return;
      }
      this.#needKeyFrame = false;
    }
    const now = this.#now();
    if (this.#rebase) {
      this.#rebase = false;
      const elapsed = this.packetsOut === 0 ? 1 : Math.max(1, ((now - this.lastSentAt) * this.#clockRate) / 1000);
      this.#seqOffset = (this.#lastOutSeq + 1 - view.sequence) & 0xffff;
      this.#tsOffset = (this.#lastOutTs + Math.round(elapsed) - view.timestamp) >>> 0;
      this.#firstOutSeq = seqAdd(view.sequence, this.#seqOffset);
    }
    const sequence = seqAdd(view.sequence, this.#seqOffset);
    const timestamp = (view.timestamp + this.#tsOffset) >>> 0;
    const sent = this.#track.send(
      writeRewritten(view, { payloadType: this.#payloadType, sequence, timestamp, ssrc: this.ssrc }, scratch),
    );
    if (!sent) {
      if (this.kind === 'video') this.#needKeyFrame = true;
      return;
    }
    this.packetsOut++;
    this.lastSentAt = now;
    if (seqNewer(this.#lastOutSeq, sequence)) {
      this.#lastOutSeq = sequence;
      this.#lastOutTs = timestamp;
    }
  }

  forwardSenderReport(packet: Buffer, offset: number): void {
    if (!this.#open || this.#rebase) return;
    this.#track.send(rewriteSenderReport(packet, offset, this.ssrc, this.#tsOffset));
  }

  /** Feedback from the subscriber about this slot: key frame requests and NACKs. */
  #onRtcp(packet: Buffer): void {
    this.lastFeedbackAt = this.#now();
    const publisher = this.#publisher;
    if (!publisher) return;
    for (const item of parseRtcp(packet)) {
      if (item.type === 'sr' || item.mediaSsrc !== this.ssrc) continue;
      if (item.type === 'pli' || item.type === 'fir') publisher.requestKeyFrame();
      else if (item.type === 'nack') this.#retransmit(publisher, item.sequences);
    }
  }

  /**
   * Answers a NACK on the RTX stream: SRTP refuses to protect a sequence number twice, so plain
   * resending on the media SSRC cannot work (RFC 4588 §4 carries the original sequence instead).
   */
  #retransmit(publisher: Publisher, sequences: readonly number[]): void {
    if (this.#rebase || this.rtxSsrc === null) return;
    for (const outSeq of sequences.slice(0, 64)) {
      // Only packets of the current binding map back to the publisher's numbering.
      if (seqDelta(this.#firstOutSeq, outSeq) < 0 || seqNewer(this.#lastOutSeq, outSeq)) continue;
      const original = publisher.cache.get((outSeq - this.#seqOffset) & 0xffff);
      if (!original || !retransmitView.reset(original)) continue;
      const timestamp = (retransmitView.timestamp + this.#tsOffset) >>> 0;
      const rewrite = { payloadType: this.#rtxPayloadType, sequence: this.#rtxSequence, timestamp, ssrc: this.rtxSsrc };
      this.#rtxSequence = (this.#rtxSequence + 1) & 0xffff;
      if (this.#track.send(writeRetransmission(retransmitView, rewrite, outSeq, scratch))) this.retransmissions++;
    }
  }

  close(): void {
    this.bind(null);
    this.#open = false;
    this.#track.close();
  }
}
