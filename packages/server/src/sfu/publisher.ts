import { EventEmitter } from 'node:events';
import type { MediaKind, SourceName } from './codecs.ts';
import { codecOf, SFU_RTCP_SSRC } from './codecs.ts';
import type { EngineTrack } from './engine/engine-connection.ts';
import { PacketCache } from './rtp/packet-cache.ts';
import { ReceiveStats } from './rtp/receive-stats.ts';
import { buildPli, buildReceiverReport, parseRtcp } from './rtp/rtcp.ts';
import { isRtcp, RtpView } from './rtp/rtp-view.ts';

/** Something that receives a publisher's packets: a subscriber's slot. */
export interface PacketSink {
  /** `view` is only valid during the call. */
  forward(view: RtpView): void;
  forwardSenderReport(packet: Buffer, offset: number): void;
}

export interface PublisherOptions {
  memberId: string;
  source: SourceName;
  kind: MediaKind;
  /** The engine track the publisher's RTP and RTCP arrive on. */
  track: EngineTrack;
  /** Payload type of the codec the publisher negotiated; other payload types are dropped. */
  payloadType: number;
  /** Shortest interval between key frame requests we send to this publisher. */
  keyFrameIntervalMs?: number;
  now?: () => number;
}

export interface PublisherEvents {
  close: [];
}

/** One incoming media source (a member's microphone, camera or screen) on the SFU. */
export class Publisher extends EventEmitter<PublisherEvents> {
  readonly memberId: string;
  readonly source: SourceName;
  readonly kind: MediaKind;
  readonly cache: PacketCache;
  readonly #track: EngineTrack;
  readonly #payloadType: number;
  readonly #sinks = new Set<PacketSink>();
  readonly #view = new RtpView();
  readonly #keyFrameIntervalMs: number;
  readonly #now: () => number;
  #stats: ReceiveStats | null = null;
  #lastKeyFrameRequest = Number.NEGATIVE_INFINITY;
  #closed = false;
  packetsIn = 0;
  /** When the last RTP or RTCP arrived (liveness). */
  lastPacketAt = 0;

  constructor(options: PublisherOptions) {
    super();
    this.memberId = options.memberId;
    this.source = options.source;
    this.kind = options.kind;
    this.#track = options.track;
    this.#payloadType = options.payloadType;
    this.#keyFrameIntervalMs = options.keyFrameIntervalMs ?? 300;
    this.#now = options.now ?? Date.now;
    this.cache = new PacketCache(options.kind === 'video' ? 1024 : 128);
    options.track.onPacket((packet) => this.#onPacket(packet));
  }

  get ssrc(): number {
    return this.#stats?.ssrc ?? 0;
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
    this.lastPacketAt = this.#now();
    if (isRtcp(packet)) {
      this.#onRtcp(packet);
      return;
    }
    const view = this.#view;
    if (!view.reset(packet) || view.payloadType !== this.#payloadType) return;
    let stats = this.#stats;
    if (!stats || stats.ssrc !== view.ssrc) {
      // A new SSRC (first packet, or the browser restarted its encoder): a fresh stream.
      stats = new ReceiveStats(view.ssrc, codecOf(this.kind).clockRate);
      this.#stats = stats;
      this.cache.clear();
    }
    this.packetsIn++;
    stats.onPacket(view.sequence, view.timestamp, this.lastPacketAt);
    this.cache.put(view.sequence, packet);
    for (const sink of this.#sinks) sink.forward(view);
  }

  #onRtcp(packet: Buffer): void {
    for (const item of parseRtcp(packet)) {
      if (item.type !== 'sr' || item.ssrc !== this.#stats?.ssrc) continue;
      this.#stats.onSenderReport(item.ntpSeconds, item.ntpFraction, this.#now());
      for (const sink of this.#sinks) sink.forwardSenderReport(packet, item.offset);
    }
  }

  /** Asks the publisher for a key frame, at most once per `keyFrameIntervalMs`. */
  requestKeyFrame(): void {
    if (this.kind !== 'video' || this.#closed || !this.#stats) return;
    const now = this.#now();
    if (now - this.#lastKeyFrameRequest < this.#keyFrameIntervalMs) return;
    this.#lastKeyFrameRequest = now;
    this.#track.send(buildPli(SFU_RTCP_SSRC, this.#stats.ssrc));
  }

  /** Sends a receiver report for the publisher's stream (called once a second by the router). */
  sendReceiverReport(): void {
    const block = this.#stats?.report(this.#now());
    if (block) this.#track.send(buildReceiverReport(SFU_RTCP_SSRC, [block]));
  }

  /** Sends raw RTCP (e.g. a NACK) to the publisher. */
  sendRtcp(packet: Buffer): void {
    this.#track.send(packet);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sinks.clear();
    this.cache.clear();
    this.emit('close');
    this.removeAllListeners();
  }
}
