import { monotonicNow } from '../clock.ts';
import { MAX_FEEDBACK_PACKETS, parseTransportCcFeedback } from '../rtp/transport-cc.ts';
import type { SubscriberTransport } from '../slot.ts';
import type { FeedbackPacket } from './bandwidth-estimator.ts';
import { BandwidthEstimator } from './bandwidth-estimator.ts';
import { SendHistory } from './send-history.ts';

/** Header extension id the SFU offers for transport-wide sequence numbers (Chrome's own choice). */
export const TRANSPORT_CC_ID = 3;
export const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

/**
 * Feedback may report each packet we sent about twice (a report and a repeat): reports beyond
 * that describe packets that never existed, and would cost a history lookup each (a 24-byte
 * feedback can claim 4 096). Unused credit is capped so a quiet spell cannot bank a flood.
 */
export const FEEDBACK_ENTRIES_PER_SENT_PACKET = 2;
export const FEEDBACK_CREDIT_LIMIT = 2 * MAX_FEEDBACK_PACKETS;

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
  /** Feedbacks dropped unparsed: they claimed more packets than we sent. */
  refusedFeedbacks = 0;
  #credit = 0;

  constructor(now: () => number = monotonicNow) {
    this.#now = now;
    this.estimator = new BandwidthEstimator();
  }

  record(bytes: number, nowMs: number): number {
    this.#credit = Math.min(FEEDBACK_CREDIT_LIMIT, this.#credit + FEEDBACK_ENTRIES_PER_SENT_PACKET);
    return this.#history.record(bytes, nowMs);
  }

  onFeedback(packet: Buffer, offset: number): void {
    if (packet.length < offset + 20) return;
    // Count and feedback number are read before any parsing: the same feedback reaches every
    // track of the connection (charged once), and one that claims too much is never parsed.
    const claimed = packet.readUInt16BE(offset + 14);
    const feedbackCount = packet[offset + 19] as number;
    if (feedbackCount === this.#lastFeedbackCount) return;
    if (claimed > this.#credit) {
      this.refusedFeedbacks++;
      return;
    }
    const feedback = parseTransportCcFeedback(packet, offset);
    if (!feedback) return;
    this.#credit -= claimed;
    this.#lastFeedbackCount = feedbackCount;
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
