import { TrendlineFilter } from './trendline.ts';

/** A packet as the subscriber's feedback reports it, joined with what we recorded when sending. */
export interface FeedbackPacket {
  sentAt: number;
  bytes: number;
  /** On the receiver's clock; null = reported lost. */
  arrivalMs: number | null;
}

export interface BandwidthEstimatorOptions {
  /** Estimate before any feedback: optimistic, so a fresh receiver gets the layers it asks for. */
  initialBps?: number;
  minBps?: number;
  maxBps?: number;
}

/** Packets sent within this span form one group (a frame's burst), as in GCC. */
const GROUP_SPAN_MS = 5;
const ACKED_WINDOW_MS = 1000;
const LOSS_INTERVAL_MS = 1000;
const HIGH_LOSS = 0.1;
const DECREASE_FACTOR = 0.85;
/** Below this share of the estimate, the traffic is too thin to measure the path by. */
const APP_LIMITED_SHARE = 0.25;
/** No increase until this long after a decrease; then +15 % per second. */
const HOLD_AFTER_DECREASE_MS = 1000;
const INCREASE_PER_SECOND = 0.15;

/**
 * One subscriber's downlink estimate from transport-cc feedback: delay-based (trendline filter:
 * a growing queue means overuse → back off to 85 % of what actually arrived) and loss-based (over
 * 10 % loss → cut by half the loss rate), otherwise a steady multiplicative increase. A compact
 * form of Google Congestion Control (draft-ietf-rmcat-gcc-02); see docs/routing.md. Times are
 * passed in, so tests feed them.
 */
export class BandwidthEstimator {
  readonly #minBps: number;
  readonly #maxBps: number;
  readonly #initialBps: number;
  readonly #trendline = new TrendlineFilter();
  #estimate: number;
  #group: { firstSent: number; lastSent: number; lastArrival: number } | null = null;
  #previousGroup: { lastSent: number; lastArrival: number } | null = null;
  #acked: Array<{ arrivalMs: number; bytes: number }> = [];
  #lost = 0;
  #received = 0;
  #lossIntervalStart = -1;
  #lastDecreaseAt = Number.NEGATIVE_INFINITY;
  #lastUpdateAt = -1;

  constructor(options: BandwidthEstimatorOptions = {}) {
    this.#minBps = options.minBps ?? 100_000;
    this.#maxBps = options.maxBps ?? 20_000_000;
    this.#initialBps = options.initialBps ?? 2_500_000;
    this.#estimate = this.#initialBps;
  }

  /** Current estimate, bit/s. */
  get estimate(): number {
    return this.#estimate;
  }

  /** Bitrate that actually arrived over the last second (by the receiver's clock), bit/s. */
  get ackedBitrate(): number {
    const first = this.#acked[0];
    const last = this.#acked[this.#acked.length - 1];
    if (!first || !last || last.arrivalMs <= first.arrivalMs) return 0;
    const bytes = this.#acked.reduce((n, p) => n + p.bytes, 0);
    return (bytes * 8000) / Math.max(last.arrivalMs - first.arrivalMs, 100);
  }

  get usage(): string {
    return this.#trendline.usage;
  }

  /** One feedback's packets, in sequence order, processed at `nowMs` (our clock). */
  onFeedback(packets: readonly FeedbackPacket[], nowMs: number): void {
    for (const packet of packets) {
      if (packet.arrivalMs === null) {
        this.#lost++;
        continue;
      }
      this.#received++;
      this.#acked.push({ arrivalMs: packet.arrivalMs, bytes: packet.bytes });
      this.#addToGroup(packet.sentAt, packet.arrivalMs);
    }
    const newest = this.#acked[this.#acked.length - 1]?.arrivalMs ?? 0;
    while (this.#acked.length && (this.#acked[0] as { arrivalMs: number }).arrivalMs < newest - ACKED_WINDOW_MS)
      this.#acked.shift();
    this.#updateEstimate(nowMs);
  }

  #addToGroup(sentAt: number, arrivalMs: number): void {
    const group = this.#group;
    if (group && sentAt - group.firstSent <= GROUP_SPAN_MS) {
      group.lastSent = Math.max(group.lastSent, sentAt);
      group.lastArrival = Math.max(group.lastArrival, arrivalMs);
      return;
    }
    if (group) {
      const previous = this.#previousGroup;
      if (previous) {
        const variation = group.lastArrival - previous.lastArrival - (group.lastSent - previous.lastSent);
        this.#trendline.update(variation, group.lastArrival);
      }
      this.#previousGroup = { lastSent: group.lastSent, lastArrival: group.lastArrival };
    }
    this.#group = { firstSent: sentAt, lastSent: sentAt, lastArrival: arrivalMs };
  }

  #updateEstimate(nowMs: number): void {
    const elapsed = this.#lastUpdateAt < 0 ? 0 : Math.min(nowMs - this.#lastUpdateAt, 1000);
    this.#lastUpdateAt = nowMs;
    if (this.#lossIntervalStart < 0) this.#lossIntervalStart = nowMs;
    if (nowMs - this.#lossIntervalStart >= LOSS_INTERVAL_MS) {
      const total = this.#lost + this.#received;
      const loss = total ? this.#lost / total : 0;
      this.#lost = 0;
      this.#received = 0;
      this.#lossIntervalStart = nowMs;
      if (loss > HIGH_LOSS) {
        this.#decreaseTo(this.#estimate * (1 - 0.5 * loss), nowMs);
        return;
      }
    }
    if (this.#trendline.usage === 'overusing') {
      // Once per round of feedback is enough: the queue needs time to drain.
      if (nowMs - this.#lastDecreaseAt > 300) {
        const acked = this.ackedBitrate;
        // While the link carries a small fraction of the estimate (video slots waiting for key
        // frames, say: only audio flows), what arrives says little about the path: back off by
        // half per verdict, rather than to 85 % of an audio stream, where every video would pause.
        const appLimited = acked < APP_LIMITED_SHARE * this.#estimate;
        const target =
          acked <= 0 ? DECREASE_FACTOR * this.#estimate : appLimited ? 0.5 * this.#estimate : DECREASE_FACTOR * acked;
        this.#decreaseTo(target, nowMs);
      }
      return;
    }
    // While the queue drains (underuse) hold, as GCC does; grow only on a steady path.
    if (this.#trendline.usage === 'underusing' || nowMs - this.#lastDecreaseAt < HOLD_AFTER_DECREASE_MS) return;
    // Grow, but not far past what is actually getting through: an estimate never tested by
    // traffic says nothing about the path.
    const ceiling = Math.max(this.#initialBps, 1.5 * this.ackedBitrate + 500_000);
    const grown = this.#estimate * (1 + (INCREASE_PER_SECOND * elapsed) / 1000);
    this.#estimate = Math.min(this.#maxBps, Math.max(this.#estimate, Math.min(grown, ceiling)));
  }

  #decreaseTo(bps: number, nowMs: number): void {
    this.#estimate = Math.max(this.#minBps, Math.min(this.#estimate, bps));
    this.#lastDecreaseAt = nowMs;
  }
}
