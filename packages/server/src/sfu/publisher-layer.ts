import { NackTracker } from './rtp/nack-tracker.ts';
import { PacketCache } from './rtp/packet-cache.ts';
import { ReceiveStats } from './rtp/receive-stats.ts';
import type { RtpView } from './rtp/rtp-view.ts';

/** A layer counts as sent while its packets keep coming; Chrome turns layers off under load. */
const ACTIVE_WINDOW_MS = 1000;
const BITRATE_WINDOW_MS = 1000;

/** One encoding of a publisher: a simulcast layer (by rid), or the only stream. */
export class PublisherLayer {
  /** 0 = smallest. */
  readonly index: number;
  readonly rid: string | null;
  readonly cache: PacketCache;
  readonly #clockRate: number;
  ssrc = 0;
  stats: ReceiveStats | null = null;
  /** Losses on the way in, to NACK; null for audio (Opus conceals loss; a late packet is no use). */
  nacks: NackTracker | null;
  /** Frame size from the last key frame, 0 until one arrived. */
  width = 0;
  height = 0;
  packetsIn = 0;
  lastPacketAt = Number.NEGATIVE_INFINITY;
  lastKeyFrameRequestAt = Number.NEGATIVE_INFINITY;
  /** Incoming bitrate over the last full window, bit/s. */
  bitrate = 0;
  #windowStart = 0;
  #windowBytes = 0;

  constructor(index: number, rid: string | null, cacheSize: number, clockRate: number, trackLosses: boolean) {
    this.index = index;
    this.rid = rid;
    this.cache = new PacketCache(cacheSize);
    this.#clockRate = clockRate;
    this.nacks = trackLosses ? new NackTracker() : null;
  }

  /** A (new) SSRC for this layer: statistics and cache start afresh. */
  reset(ssrc: number): void {
    this.ssrc = ssrc;
    this.stats = new ReceiveStats(ssrc, this.#clockRate);
    if (this.nacks) this.nacks = new NackTracker();
    this.cache.clear();
  }

  onPacket(view: RtpView, packet: Buffer, now: number): void {
    this.packetsIn++;
    this.lastPacketAt = now;
    this.stats?.onPacket(view.sequence, view.timestamp, now);
    this.nacks?.onPacket(view.sequence, now);
    this.cache.put(view.sequence, packet);
    if (now - this.#windowStart >= BITRATE_WINDOW_MS) {
      const elapsed = now - this.#windowStart;
      this.bitrate = this.#windowStart === 0 ? 0 : (this.#windowBytes * 8000) / elapsed;
      this.#windowStart = now;
      this.#windowBytes = 0;
    }
    this.#windowBytes += packet.length;
  }

  setSize(width: number, height: number): void {
    this.width = width;
    this.height = height;
  }

  /** True while the publisher keeps sending this layer. */
  isActive(now: number): boolean {
    return now - this.lastPacketAt < ACTIVE_WINDOW_MS;
  }
}
