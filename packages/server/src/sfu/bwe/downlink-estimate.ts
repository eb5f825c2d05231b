import { monotonicNow } from '../clock.ts';
import { parseTransportCcFeedback } from '../rtp/transport-cc.ts';
import type { SubscriberTransport } from '../slot.ts';
import type { FeedbackPacket } from './bandwidth-estimator.ts';
import { BandwidthEstimator } from './bandwidth-estimator.ts';
import { SendHistory } from './send-history.ts';

/** Header extension id the SFU offers for transport-wide sequence numbers (Chrome's own choice). */
export const TRANSPORT_CC_ID = 3;
export const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

/**
 * The downlink of one subscriber: numbers what we send, and turns their transport-cc feedback
 * into a bandwidth estimate. One per receive connection (transport-wide = per connection).
 */
export class DownlinkEstimate implements SubscriberTransport {
  readonly extensionId = TRANSPORT_CC_ID;
  readonly estimator: BandwidthEstimator;
  readonly #history = new SendHistory();
  readonly #now: () => number;
  /** Feedback may reach us on several tracks; each feedback count is processed once. */
  #lastFeedbackCount = -1;
  feedbacks = 0;

  constructor(now: () => number = monotonicNow) {
    this.#now = now;
    this.estimator = new BandwidthEstimator();
  }

  record(bytes: number, nowMs: number): number {
    return this.#history.record(bytes, nowMs);
  }

  onFeedback(packet: Buffer, offset: number): void {
    const feedback = parseTransportCcFeedback(packet, offset);
    if (!feedback || feedback.feedbackCount === this.#lastFeedbackCount) return;
    this.#lastFeedbackCount = feedback.feedbackCount;
    this.feedbacks++;
    const packets: FeedbackPacket[] = [];
    for (const p of feedback.packets) {
      const sent = this.#history.lookup(p.sequence);
      if (sent) packets.push({ sentAt: sent.sentAt, bytes: sent.bytes, arrivalMs: p.arrivalMs });
    }
    if (packets.length) this.estimator.onFeedback(packets, this.#now());
  }

  /** Bit/s the subscriber's downlink is estimated to carry. */
  get bitrate(): number {
    return this.estimator.estimate;
  }
}
