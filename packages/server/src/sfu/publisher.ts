import { EventEmitter } from 'node:events';
import { TransportFeedbackGenerator } from './bwe/transport-feedback-generator.ts';
import { monotonicNow } from './clock.ts';
import type { MediaKind, SourceName } from './codecs.ts';
import { codecOf, SFU_RTCP_SSRC } from './codecs.ts';
import type { EngineTrack } from './engine/engine-connection.ts';
import { KeyFrameThrottle } from './key-frame-throttle.ts';
import { LayerDemand } from './layer-demand.ts';
import { PublisherLayer } from './publisher-layer.ts';
import type { ReportBlock } from './rtp/rtcp.ts';
import { buildNack, buildPli, buildReceiverReport, parseRtcp } from './rtp/rtcp.ts';
import { isRtcp, MAX_RTP_PACKET_BYTES, RtpView } from './rtp/rtp-view.ts';
import { vp8KeyFrameSize } from './rtp/vp8.ts';

export { PublisherLayer } from './publisher-layer.ts';

/** Something that receives a publisher's packets: a subscriber's slot. */
export interface PacketSink {
  /** `view` is only valid during the call; `nowMs` is its arrival time (monotonicNow). */
  forward(view: RtpView, layer: PublisherLayer, nowMs: number): void;
  forwardSenderReport(packet: Buffer, offset: number, layer: PublisherLayer): void;
}

export interface PublisherOptions {
  memberId: string;
  source: SourceName;
  kind: MediaKind;
  /** The engine track the publisher's RTP and RTCP arrive on. */
  track: EngineTrack;
  /** Payload type of the codec the publisher negotiated; other payload types are dropped. */
  payloadType: number;
  /** Simulcast rids, smallest layer first; empty for a single stream. */
  rids?: string[];
  /** Header extension id of the rid (`sdes:rtp-stream-id`), to map SSRCs to layers. */
  ridExtensionId?: number | undefined;
  /**
   * Header extension id of the transport-wide sequence number, when the publisher negotiated
   * transport-cc on its own connection: the SFU then sends it transport-cc feedback.
   */
  transportCcExtensionId?: number | undefined;
  /** Header extension id of the RFC 6464 audio level (microphones). */
  audioLevelExtensionId?: number | undefined;
  /** Receives each packet's audio level (0 loudest … 127 silence), for speaker detection. */
  onAudioLevel?: ((level: number, nowMs: number) => void) | undefined;
  /** Shortest interval between key frame requests we send for one layer (default 300 ms). */
  keyFrameIntervalMs?: number;
  now?: () => number;
}

export interface PublisherEvents {
  close: [];
}

/**
 * One incoming media source (a member's microphone, camera or screen) on the SFU, with one layer
 * per simulcast encoding (or a single layer).
 */
export class Publisher extends EventEmitter<PublisherEvents> {
  readonly memberId: string;
  readonly source: SourceName;
  readonly kind: MediaKind;
  /** Smallest first. */
  readonly layers: readonly PublisherLayer[];
  readonly #track: EngineTrack;
  readonly #payloadType: number;
  readonly #ridExtensionId: number | undefined;
  readonly #transportCcExtensionId: number | undefined;
  readonly #audioLevelExtensionId: number | undefined;
  readonly #onAudioLevel: ((level: number, nowMs: number) => void) | undefined;
  readonly #feedback: TransportFeedbackGenerator | null = null;
  readonly #layerBySsrc = new Map<number, PublisherLayer>();
  readonly #sinks = new Set<PacketSink>();
  readonly #view = new RtpView();
  readonly #keyFrames: KeyFrameThrottle;
  readonly #now: () => number;
  #closed = false;
  packetsIn = 0;

  /** Packets lost on the way in, over the layers' current streams. */
  get packetsLost(): number {
    return this.layers.reduce((sum, layer) => sum + (layer.stats?.lost ?? 0), 0);
  }

  /** Which of our layers anybody needs (simulcast only). */
  readonly demand: LayerDemand | null;
  /** When the last RTP or RTCP arrived (liveness). */
  lastPacketAt = 0;
  /** RTP packets dropped for being larger than MAX_RTP_PACKET_BYTES. */
  oversized = 0;

  constructor(options: PublisherOptions) {
    super();
    this.memberId = options.memberId;
    this.source = options.source;
    this.kind = options.kind;
    this.#track = options.track;
    this.#payloadType = options.payloadType;
    this.#ridExtensionId = options.ridExtensionId;
    this.#transportCcExtensionId = options.transportCcExtensionId;
    this.#audioLevelExtensionId = options.audioLevelExtensionId;
    this.#onAudioLevel = options.onAudioLevel;
    if (options.transportCcExtensionId !== undefined) this.#feedback = new TransportFeedbackGenerator(SFU_RTCP_SSRC);
    this.#keyFrames = new KeyFrameThrottle(options.keyFrameIntervalMs);
    this.#now = options.now ?? monotonicNow;
    const rids = options.rids?.length ? options.rids : [null];
    const cacheSize = options.kind === 'video' ? 1024 : 128;
    const video = options.kind === 'video';
    this.layers = rids.map((rid, index) => new PublisherLayer(index, rid, cacheSize, codecOf(options.kind).clockRate, video));
    this.demand = this.layers.length > 1 ? new LayerDemand(this.layers.length) : null;
    options.track.onPacket((packet) => this.#onPacket(packet));
  }

  get closed(): boolean {
    return this.#closed;
  }

  addSink(sink: PacketSink): void {
    this.#sinks.add(sink);
  }

  removeSink(sink: PacketSink): void {
    this.#sinks.delete(sink);
  }

  #onPacket(packet: Buffer): void {
    if (this.#closed) return;
    const now = this.#now();
    this.lastPacketAt = now;
    if (isRtcp(packet)) {
      this.#onRtcp(packet);
      return;
    }
    if (packet.length > MAX_RTP_PACKET_BYTES) {
      this.oversized++;
      return;
    }
    const view = this.#view;
    if (!view.reset(packet) || view.payloadType !== this.#payloadType) return;
    const layer = this.#layerBySsrc.get(view.ssrc) ?? this.#learnLayer(view);
    if (!layer) return;
    this.packetsIn++;
    if (this.#onAudioLevel && this.#audioLevelExtensionId !== undefined) {
      const level = view.extension(this.#audioLevelExtensionId);
      if (level && level.length >= 1) this.#onAudioLevel((level[0] as number) & 0x7f, now);
    }
    if (this.#feedback) {
      const sequence = view.extension(this.#transportCcExtensionId as number);
      if (sequence && sequence.length >= 2) this.#feedback.onPacket(sequence.readUInt16BE(0), now);
    }
    layer.onPacket(view, packet, now);
    if (this.kind === 'video') {
      // Only the first packet of a key frame yields a size; the check is a few byte reads.
      const size = vp8KeyFrameSize(view.payload());
      if (size) layer.setSize(size.width, size.height);
    }
    for (const sink of this.#sinks) sink.forward(view, layer, now);
  }

  /** A new SSRC: find its layer by the rid extension (simulcast) or take the only layer. */
  #learnLayer(view: RtpView): PublisherLayer | undefined {
    let layer: PublisherLayer | undefined;
    if (this.layers.length === 1) layer = this.layers[0];
    else if (this.#ridExtensionId !== undefined) {
      const rid = view.extension(this.#ridExtensionId)?.toString('ascii');
      layer = this.layers.find((l) => l.rid === rid);
    }
    if (!layer) return undefined;
    // A layer that changes SSRC (encoder restart) starts afresh.
    if (layer.ssrc !== 0) this.#layerBySsrc.delete(layer.ssrc);
    layer.reset(view.ssrc);
    this.#layerBySsrc.set(view.ssrc, layer);
    return layer;
  }

  #onRtcp(packet: Buffer): void {
    for (const item of parseRtcp(packet)) {
      if (item.type !== 'sr') continue;
      const layer = this.#layerBySsrc.get(item.ssrc);
      if (!layer) continue;
      layer.stats?.onSenderReport(item.ntpSeconds, item.ntpFraction, this.#now());
      for (const sink of this.#sinks) sink.forwardSenderReport(packet, item.offset, layer);
    }
  }

  /**
   * Transport-cc feedback and NACKs for video lost on the way in; the router calls this for every
   * publisher of the room every FEEDBACK_INTERVAL_MS (one timer per room, not per publisher).
   */
  sendFeedback(now: number): void {
    if (this.#closed) return;
    if (this.#feedback) for (const packet of this.#feedback.flush(this.layers[0]?.ssrc ?? 0)) this.#track.send(packet);
    if (this.kind !== 'video') return;
    for (const index of this.#keyFrames.due(now)) this.#sendPli(this.layers[index]);
    for (const layer of this.layers) {
      if (layer.ssrc === 0) continue;
      const lost = layer.nacks?.due(now) ?? [];
      if (lost.length) this.#track.send(buildNack(SFU_RTCP_SSRC, layer.ssrc, lost.slice(0, 100)));
    }
  }

  /**
   * Asks for a key frame on `layer`, within the publisher's key-frame budget (key-frame-throttle.ts):
   * a request over budget is sent later, never dropped.
   */
  requestKeyFrame(layer: PublisherLayer): void {
    if (this.kind !== 'video' || this.#closed || layer.ssrc === 0) return;
    if (this.#keyFrames.request(layer.index, this.#now())) this.#sendPli(layer);
  }

  #sendPli(layer: PublisherLayer | undefined): void {
    if (!layer || layer.ssrc === 0) return;
    layer.lastKeyFrameRequestAt = this.#now();
    this.#track.send(buildPli(SFU_RTCP_SSRC, layer.ssrc));
  }

  /** Sends one receiver report covering every layer (called once a second by the router). */
  sendReceiverReport(): void {
    const now = this.#now();
    const blocks: ReportBlock[] = [];
    for (const layer of this.layers) {
      const block = layer.stats?.report(now);
      if (block) blocks.push(block);
    }
    if (blocks.length) this.#track.send(buildReceiverReport(SFU_RTCP_SSRC, blocks));
  }

  /** Sends raw RTCP (feedback) to the publisher. */
  sendRtcp(packet: Buffer): void {
    this.#track.send(packet);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sinks.clear();
    for (const layer of this.layers) layer.cache.clear();
    this.emit('close');
    this.removeAllListeners();
  }
}
