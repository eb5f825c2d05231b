import { monotonicNow } from './clock.ts';
import type { MediaKind } from './codecs.ts';
import { codecOf, VP8_RTX } from './codecs.ts';
import type { EngineTrack } from './engine/engine-connection.ts';
import { FORWARDING_PAUSE_MS } from './liveness.ts';
import type { PacketSink, Publisher, PublisherLayer } from './publisher.ts';
import type { RetransmitBudget } from './retransmit-budget.ts';
import { parseRtcp, rewriteSenderReport } from './rtp/rtcp.ts';
import { HEADER_WITH_TRANSPORT_SEQUENCE, RtpView, writeRetransmission, writeRewritten } from './rtp/rtp-view.ts';
import { seqAdd, seqDelta, seqNewer } from './rtp/sequence.ts';
import type { Vp8Picture } from './rtp/vp8.ts';
import { isVp8KeyFrame, readVp8Picture, shiftVp8Picture } from './rtp/vp8.ts';

/** Packets at most 1500 bytes (larger are dropped on the way in) plus room for our header changes. */
const scratch = Buffer.allocUnsafe(2048);
const retransmitView = new RtpView();
const picture: Vp8Picture = { pictureId: -1, tl0PicIdx: -1 };
/** The same packet is resent at most once this often: a NACK naming it again meanwhile is a duplicate. */
const RESEND_INTERVAL_MS = 20;
const RESENT_RING = 256;

/**
 * The subscriber's transport: numbers every packet sent on its connection (transport-wide
 * sequence, for its bandwidth estimate) and takes its transport-cc feedback.
 */
export interface SubscriberTransport {
  readonly extensionId: number;
  /** Records a packet of `bytes` about to be sent at `nowMs`; returns its transport-wide sequence number. */
  record(bytes: number, nowMs: number): number;
  onFeedback(packet: Buffer, offset: number): void;
}

/** Target layer value meaning "forward nothing" (video nobody renders). */
export const PAUSED = -1;

/**
 * One m-line of a subscriber's receive connection, with its own SSRC. A slot carries one layer of
 * one publisher at a time and can switch to another layer, or be re-bound to another publisher,
 * without renegotiation: sequence numbers and timestamps continue where they left off, and video
 * switches only at a key frame of the new layer, so the receiver sees one decodable stream.
 */
export class Slot implements PacketSink {
  readonly mid: string;
  readonly kind: MediaKind;
  readonly ssrc: number;
  /** SSRC of the RTX stream (RFC 4588) for retransmissions; null where RTX is not offered. */
  readonly rtxSsrc: number | null;
  readonly #track: EngineTrack;
  readonly #transport: SubscriberTransport | null;
  readonly #payloadType: number;
  readonly #rtxPayloadType: number;
  readonly #clockRate: number;
  readonly #now: () => number;
  #publisher: Publisher | null = null;
  #open = false;
  /** The layer we want (index), or PAUSED. */
  #target = 0;
  /** The layer being forwarded; null until the target's first key frame (video). */
  #current: PublisherLayer | null = null;
  #seqOffset = 0;
  #tsOffset = 0;
  /** Out sequence of the first packet since the last switch; NACKs before it are ignored. */
  #firstOutSeq = 0;
  #lastOutSeq: number;
  #lastOutTs: number;
  /**
   * Offsets added to the VP8 picture ID and TL0PICIDX of the current layer, and the last ones sent
   * (-1: none yet). Each simulcast layer numbers its pictures on its own, from a random start, so
   * without these a switch makes both jump; see #continuePictures.
   */
  #pictureIdOffset = 0;
  #tl0Offset = 0;
  #lastOutPictureId = -1;
  #lastOutTl0 = -1;
  #rtxSequence = Math.floor(Math.random() * 0x10000);
  readonly #budget: RetransmitBudget | null;
  /** When each out-sequence (mod RESENT_RING) was last resent, and which one it was. */
  readonly #resentAt = new Float64Array(RESENT_RING).fill(Number.NEGATIVE_INFINITY);
  readonly #resentSeq = new Int32Array(RESENT_RING).fill(-1);
  /** When we last forwarded a packet here, and last heard feedback about it (liveness). */
  lastSentAt = 0;
  /** When forwarding (re)started after a pause; see liveness.ts. */
  forwardingSince = 0;
  lastFeedbackAt = 0;
  packetsOut = 0;
  bytesOut = 0;
  retransmissions = 0;

  constructor(
    mid: string,
    kind: MediaKind,
    ssrc: number,
    rtxSsrc: number | null,
    track: EngineTrack,
    transport: SubscriberTransport | null = null,
    budget: RetransmitBudget | null = null,
    now: () => number = monotonicNow,
  ) {
    this.mid = mid;
    this.kind = kind;
    this.ssrc = ssrc;
    this.rtxSsrc = rtxSsrc;
    this.#track = track;
    this.#transport = transport;
    this.#budget = budget;
    this.#now = now;
    const codec = codecOf(kind);
    this.#payloadType = codec.payloadType;
    this.#rtxPayloadType = kind === 'video' ? VP8_RTX.payloadType : -1;
    this.#clockRate = codec.clockRate;
    this.#lastOutSeq = Math.floor(Math.random() * 0x10000);
    this.#lastOutTs = Math.floor(Math.random() * 0x100000000);
    track.onOpen(() => {
      this.#open = true;
      this.#requestTargetKeyFrame();
    });
    track.onPacket((packet) => this.#onRtcp(packet));
  }

  get publisher(): Publisher | null {
    return this.#publisher;
  }

  /** Index of the layer being forwarded, or PAUSED when nothing is. */
  get currentLayer(): number {
    return this.#current?.index ?? PAUSED;
  }

  get targetLayer(): number {
    return this.#target;
  }

  /** Points the slot at another publisher (or none), starting at `layer`. */
  bind(publisher: Publisher | null, layer = 0): void {
    if (publisher === this.#publisher) return;
    this.#publisher?.removeSink(this);
    this.#publisher = publisher;
    this.#current = null;
    this.#target = layer;
    if (publisher) {
      publisher.addSink(this);
      this.#requestTargetKeyFrame();
    }
  }

  /** Chooses the layer to forward (PAUSED for none); the switch happens at its next key frame. */
  setTargetLayer(layer: number): void {
    if (layer === this.#target) return;
    this.#target = layer;
    if (layer === PAUSED) this.#current = null;
    else if (this.#current?.index !== layer) this.#requestTargetKeyFrame();
  }

  #requestTargetKeyFrame(): void {
    const layer = this.#publisher?.layers[this.#target];
    if (this.#open && layer) this.#publisher?.requestKeyFrame(layer);
  }

  forward(view: RtpView, layer: PublisherLayer, nowMs: number): void {
    if (!this.#open) return;
    if (layer !== this.#current) {
      if (layer.index !== this.#target) return;
      if (this.kind === 'video' && !isVp8KeyFrame(view.payload())) {
        this.#publisher?.requestKeyFrame(layer);
        return;
      }
      this.#switchTo(layer, view, nowMs);
    }
    const sequence = seqAdd(view.sequence, this.#seqOffset);
    const timestamp = (view.timestamp + this.#tsOffset) >>> 0;
    const transport = this.#transport;
    const transportSequence = transport
      ? {
          extensionId: transport.extensionId,
          sequence: transport.record(HEADER_WITH_TRANSPORT_SEQUENCE + view.payloadLength, nowMs),
        }
      : null;
    const packet = writeRewritten(
      view,
      { payloadType: this.#payloadType, sequence, timestamp, ssrc: this.ssrc },
      scratch,
      transportSequence,
    );
    if (this.kind === 'video') {
      const payloadStart = packet.length - view.payloadLength;
      if (this.#pictureIdOffset !== 0 || this.#tl0Offset !== 0)
        shiftVp8Picture(packet, payloadStart, this.#pictureIdOffset, this.#tl0Offset);
      if (seqNewer(this.#lastOutSeq, sequence) && readVp8Picture(packet.subarray(payloadStart), picture)) {
        if (picture.pictureId >= 0) this.#lastOutPictureId = picture.pictureId;
        if (picture.tl0PicIdx >= 0) this.#lastOutTl0 = picture.tl0PicIdx;
      }
    }
    if (!this.#track.send(packet)) {
      // Not open (any more): start again at a key frame.
      if (this.kind === 'video') this.#current = null;
      return;
    }
    this.packetsOut++;
    this.bytesOut += packet.length;
    if (nowMs - this.lastSentAt >= FORWARDING_PAUSE_MS) this.forwardingSince = nowMs;
    this.lastSentAt = nowMs;
    if (seqNewer(this.#lastOutSeq, sequence)) {
      this.#lastOutSeq = sequence;
      this.#lastOutTs = timestamp;
    }
  }

  /** Continues our sequence numbers and timestamps from `view` on, the first packet of `layer`. */
  #switchTo(layer: PublisherLayer, view: RtpView, now: number): void {
    const elapsed = this.packetsOut === 0 ? 1 : Math.max(1, ((now - this.lastSentAt) * this.#clockRate) / 1000);
    this.#current = layer;
    this.#seqOffset = (this.#lastOutSeq + 1 - view.sequence) & 0xffff;
    this.#tsOffset = (this.#lastOutTs + Math.round(elapsed) - view.timestamp) >>> 0;
    this.#firstOutSeq = seqAdd(view.sequence, this.#seqOffset);
    if (this.kind === 'video') this.#continuePictures(view);
  }

  /**
   * Numbers the new layer's pictures on from the last ones sent (RFC 7741 §4.2 picture ID and
   * TL0PICIDX), as if one encoder had sent them all. A receiver's VP8 reference finder keeps state
   * by picture ID and TL0PICIDX across the key frame we switch at: a jump back in both (which the
   * random start of each layer makes possible) leaves it holding newer-looking entries of the old
   * layer, and Firefox then stops decoding a few seconds after the switch until a later key frame.
   */
  #continuePictures(view: RtpView): void {
    this.#pictureIdOffset = 0;
    this.#tl0Offset = 0;
    if (!readVp8Picture(view.payload(), picture)) return;
    if (picture.pictureId >= 0 && this.#lastOutPictureId >= 0)
      this.#pictureIdOffset = (this.#lastOutPictureId + 1 - picture.pictureId) & 0x7fff;
    if (picture.tl0PicIdx >= 0 && this.#lastOutTl0 >= 0) this.#tl0Offset = (this.#lastOutTl0 + 1 - picture.tl0PicIdx) & 0xff;
  }

  forwardSenderReport(packet: Buffer, offset: number, layer: PublisherLayer): void {
    if (!this.#open || layer !== this.#current) return;
    this.#track.send(rewriteSenderReport(packet, offset, this.ssrc, this.#tsOffset));
  }

  /** Feedback from the subscriber about this slot: key frame requests and NACKs. */
  #onRtcp(packet: Buffer): void {
    this.lastFeedbackAt = this.#now();
    const publisher = this.#publisher;
    if (!publisher) return;
    for (const item of parseRtcp(packet)) {
      if (item.type === 'transport-cc') {
        this.#transport?.onFeedback(packet, item.offset);
        continue;
      }
      if (item.type === 'sr' || item.mediaSsrc !== this.ssrc) continue;
      if (item.type === 'pli' || item.type === 'fir') {
        const layer = this.#current ?? publisher.layers[this.#target];
        if (layer) publisher.requestKeyFrame(layer);
      } else if (item.type === 'nack') this.#retransmit(item.sequences);
    }
  }

  /**
   * Answers a NACK on the RTX stream: SRTP refuses to protect a sequence number twice, so plain
   * resending on the media SSRC cannot work (RFC 4588 §4 carries the original sequence instead).
   */
  #retransmit(sequences: readonly number[]): void {
    const layer = this.#current;
    if (!layer || this.rtxSsrc === null) return;
    const now = this.#now();
    for (const outSeq of sequences) {
      // Only packets since the last switch map back to the publisher's numbering.
      if (seqDelta(this.#firstOutSeq, outSeq) < 0 || seqNewer(this.#lastOutSeq, outSeq)) continue;
      const ring = outSeq % RESENT_RING;
      if (this.#resentSeq[ring] === outSeq && now - (this.#resentAt[ring] as number) < RESEND_INTERVAL_MS) continue;
      const original = layer.cache.get((outSeq - this.#seqOffset) & 0xffff);
      if (!original || !retransmitView.reset(original)) continue;
      if (this.#budget && !this.#budget.take(original.length)) return;
      this.#resentSeq[ring] = outSeq;
      this.#resentAt[ring] = now;
      const timestamp = (retransmitView.timestamp + this.#tsOffset) >>> 0;
      const rewrite = { payloadType: this.#rtxPayloadType, sequence: this.#rtxSequence, timestamp, ssrc: this.rtxSsrc };
      this.#rtxSequence = (this.#rtxSequence + 1) & 0xffff;
      const packet = writeRetransmission(retransmitView, rewrite, outSeq, scratch);
      if (this.#pictureIdOffset !== 0 || this.#tl0Offset !== 0)
        shiftVp8Picture(packet, 14, this.#pictureIdOffset, this.#tl0Offset);
      if (this.#track.send(packet)) this.retransmissions++;
    }
  }

  close(): void {
    this.bind(null);
    this.#open = false;
    this.#track.close();
  }
}
