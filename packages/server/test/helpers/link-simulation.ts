/** A simulated path with a bottleneck queue, feeding a BandwidthEstimator transport-cc feedback. */
import type { BandwidthEstimatorOptions, FeedbackPacket } from '../../src/sfu/bwe/bandwidth-estimator.ts';
import { BandwidthEstimator } from '../../src/sfu/bwe/bandwidth-estimator.ts';

export const PACKET_BYTES = 1200;
/** One-way propagation delay of the simulated path, ms. */
export const BASE_DELAY_MS = 40;
/** Feedback travels back this long before we process it, ms. */
export const RETURN_DELAY_MS = 20;
/** The receiver's clock is unrelated to ours. */
export const RECEIVER_CLOCK_OFFSET_MS = 987_654.321;
export const FEEDBACK_INTERVAL_MS = 50;

export interface Step {
  /** Our clock when the feedback was processed. */
  at: number;
  estimate: number;
  acked: number;
  usage: string;
  /** Queueing delay of the newest packet sent, ms. */
  queueMs: number;
}

export interface Conditions {
  /** Sending rate, bit/s; may follow the estimate (a sender that reacts). */
  sendBps: number | ((nowMs: number) => number);
  /** Bottleneck capacity, bit/s. */
  capacityBps: number;
  /** Whether the n-th packet sent (counting from 0) is lost on the way. */
  lose?: (n: number) => boolean;
}

/**
 * A sender pacing 1200-byte packets at a given rate through a path with a bottleneck queue:
 * arrival = max(send + base delay, previous arrival + serialization time at the link rate).
 * Every 50 ms, the receiver's transport-cc feedback (everything that arrived, or is known lost,
 * since the last one) reaches the estimator 20 ms after it was sent.
 */
export class Simulation {
  readonly estimator: BandwidthEstimator;
  readonly steps: Step[] = [];
  now = 0;
  sent = 0;
  #nextSendAt = 0;
  #lastArrival = Number.NEGATIVE_INFINITY;
  #lastQueueMs = 0;
  #inFlight: Array<{ sentAt: number; arrival: number | null }> = [];

  readonly #initial: number;

  constructor(options: BandwidthEstimatorOptions = {}) {
    this.estimator = new BandwidthEstimator(options);
    this.#initial = this.estimator.estimate;
  }

  /** Runs until `untilMs` (our clock) under `conditions`. */
  run(untilMs: number, conditions: Conditions): Step[] {
    const first = this.steps.length;
    while (this.now + FEEDBACK_INTERVAL_MS <= untilMs) {
      const feedbackAt = this.now + FEEDBACK_INTERVAL_MS;
      while (this.#nextSendAt < feedbackAt) {
        const sentAt = this.#nextSendAt;
        let arrival: number | null = null;
        if (!conditions.lose?.(this.sent)) {
          const serialization = (PACKET_BYTES * 8000) / conditions.capacityBps;
          arrival = Math.max(sentAt + BASE_DELAY_MS, this.#lastArrival + serialization);
          this.#lastArrival = arrival;
          this.#lastQueueMs = arrival - sentAt - BASE_DELAY_MS;
        }
        this.#inFlight.push({ sentAt, arrival });
        this.sent++;
        const rate = typeof conditions.sendBps === 'function' ? conditions.sendBps(sentAt) : conditions.sendBps;
        this.#nextSendAt += (PACKET_BYTES * 8000) / rate;
      }
      // The receiver reports at feedbackAt - RETURN_DELAY_MS: arrivals up to then, and losses of
      // packets that would have arrived by then.
      const reportedUntil = feedbackAt - RETURN_DELAY_MS;
      const packets: FeedbackPacket[] = [];
      while (this.#inFlight.length) {
        const p = this.#inFlight[0] as { sentAt: number; arrival: number | null };
        const due = p.arrival ?? p.sentAt + BASE_DELAY_MS;
        if (due > reportedUntil) break;
        this.#inFlight.shift();
        packets.push({
          sentAt: p.sentAt,
          bytes: PACKET_BYTES,
          arrivalMs: p.arrival === null ? null : p.arrival + RECEIVER_CLOCK_OFFSET_MS,
        });
      }
      this.estimator.onFeedback(packets, feedbackAt);
      this.now = feedbackAt;
      this.steps.push({
        at: feedbackAt,
        estimate: this.estimator.estimate,
        acked: this.estimator.ackedBitrate,
        usage: this.estimator.usage,
        queueMs: this.#lastQueueMs,
      });
    }
    return this.steps.slice(first);
  }

  /** The estimate as of `atMs` (after the last feedback processed at or before it). */
  estimateAt(atMs: number): number {
    let estimate = this.#initial;
    for (const step of this.steps) if (step.at <= atMs) estimate = step.estimate;
    return estimate;
  }
}

/** Steps at which the estimate went down. */
export function decreases(steps: Step[], before: number): Step[] {
  const out: Step[] = [];
  let previous = before;
  for (const step of steps) {
    if (step.estimate < previous) out.push(step);
    previous = step.estimate;
  }
  return out;
}
