import { afterEach, describe, expect, it, vi } from 'vitest';
import { DownlinkEstimate, TRANSPORT_CC_ID, TRANSPORT_CC_URI } from '../src/sfu/bwe/downlink-estimate.ts';
import type { PacketArrival } from '../src/sfu/rtp/transport-cc.ts';
import { buildTransportCcFeedback } from '../src/sfu/rtp/transport-cc.ts';

const SENDER_SSRC = 0x01020304;
const MEDIA_SSRC = 0x0a0b0c0d;

/** A settable clock for the estimate. */
class Clock {
  now = 0;
  readonly read = () => this.now;
}

/** A DownlinkEstimate whose first transport-wide sequence number is `first`. */
function estimateStartingAt(first: number, clock: Clock): DownlinkEstimate {
  const random = vi.spyOn(Math, 'random').mockReturnValue(first / 0x10000);
  const estimate = new DownlinkEstimate(clock.read);
  random.mockRestore();
  return estimate;
}

function feedback(count: number, packets: PacketArrival[]): Buffer {
  return buildTransportCcFeedback(SENDER_SSRC, MEDIA_SSRC, count, packets);
}

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * Sends 1200-byte packets at `sendBps` through a bottleneck of `capacityBps` (arrival = max(send
 * + 40 ms, previous arrival + serialization)), numbering them with `estimate.record` at the clock's
 * time, and delivers transport-cc feedback every 50 ms until `untilMs`.
 */
class Link {
  readonly #estimate: DownlinkEstimate;
  readonly #clock: Clock;
  #nextSendAt: number;
  #lastArrival = Number.NEGATIVE_INFINITY;
  #pending: Array<{ sequence: number; sentAt: number; arrival: number | null }> = [];
  #count = 0;
  sent = 0;

  constructor(estimate: DownlinkEstimate, clock: Clock) {
    this.#estimate = estimate;
    this.#clock = clock;
    this.#nextSendAt = clock.now;
  }

  run(untilMs: number, sendBps: number, capacityBps: number, lose: (n: number) => boolean = () => false): void {
    while (this.#clock.now + 50 <= untilMs) {
      const feedbackAt = this.#clock.now + 50;
      while (this.#nextSendAt < feedbackAt) {
        this.#clock.now = this.#nextSendAt;
        const sequence = this.#estimate.record(1200, this.#clock.now);
        let arrival: number | null = null;
        if (!lose(this.sent)) {
          arrival = Math.max(this.#nextSendAt + 40, this.#lastArrival + (1200 * 8000) / capacityBps);
          this.#lastArrival = arrival;
        }
        this.#pending.push({ sequence, sentAt: this.#nextSendAt, arrival });
        this.sent++;
        this.#nextSendAt += (1200 * 8000) / sendBps;
      }
      this.#clock.now = feedbackAt;
      // Everything that arrived (or would have) 20 ms ago, in one feedback; receiver clock +1 h.
      const packets: PacketArrival[] = [];
      while (this.#pending.length) {
        const p = this.#pending[0] as { sequence: number; sentAt: number; arrival: number | null };
        // A lost packet is reported once the receiver sees the ones after it.
        if ((p.arrival ?? p.sentAt + 40) > feedbackAt - 20) break;
        this.#pending.shift();
        packets.push({ sequence: p.sequence, arrivalMs: p.arrival === null ? null : p.arrival + 3_600_000 });
      }
      if (packets.some((p) => p.arrivalMs !== null)) this.#estimate.onFeedback(feedback(this.#count++ & 0xff, packets), 0);
    }
  }
}

describe('DownlinkEstimate', () => {
  it('offers transport-cc under the extension id and URI Chrome uses', () => {
    const estimate = new DownlinkEstimate(() => 0);
    expect(estimate.extensionId).toBe(3);
    expect(TRANSPORT_CC_ID).toBe(3);
    expect(TRANSPORT_CC_URI).toBe('http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01');
  });

  it('starts at the estimator default and has processed no feedback', () => {
    const estimate = new DownlinkEstimate(() => 0);
    expect(estimate.bitrate).toBe(2_500_000);
    expect(estimate.bitrate).toBe(estimate.estimator.estimate);
    expect(estimate.feedbacks).toBe(0);
  });

  it('numbers recorded packets consecutively, across the 16-bit wrap', () => {
    const estimate = estimateStartingAt(65534, new Clock());
    expect([estimate.record(100, 0), estimate.record(100, 0), estimate.record(100, 0), estimate.record(100, 0)]).toEqual([
      65534, 65535, 0, 1,
    ]);
  });

  it('feeds the estimator with the sizes recorded and the arrivals reported', () => {
    const clock = new Clock();
    const estimate = estimateStartingAt(1000, clock);
    for (let i = 0; i < 11; i++) {
      clock.now = i * 10;
      expect(estimate.record(1000, clock.now)).toBe(1000 + i);
    }
    clock.now = 200;
    const arrivals = Array.from({ length: 11 }, (_, i) => ({ sequence: 1000 + i, arrivalMs: 5000 + i * 20 }));
    estimate.onFeedback(feedback(0, arrivals), 0);
    expect(estimate.feedbacks).toBe(1);
    // 11 000 bytes over 200 ms of arrivals.
    expect(estimate.estimator.ackedBitrate).toBe(440_000);
  });

  it('reads a feedback at an offset inside a compound packet', () => {
    const clock = new Clock();
    const estimate = estimateStartingAt(1000, clock);
    for (let i = 0; i < 11; i++) {
      clock.now = i * 10;
      estimate.record(1000, clock.now);
    }
    const fb = feedback(
      0,
      Array.from({ length: 11 }, (_, i) => ({ sequence: 1000 + i, arrivalMs: i * 20 })),
    );
    const compound = Buffer.concat([Buffer.alloc(28, 0x81), fb, Buffer.alloc(8, 0x81)]);
    estimate.onFeedback(compound, 28);
    expect(estimate.feedbacks).toBe(1);
    expect(estimate.estimator.ackedBitrate).toBe(440_000);
  });

  it('processes a repeated feedback count once (the same feedback seen on several tracks)', () => {
    const clock = new Clock();
    const estimate = estimateStartingAt(1000, clock);
    for (let i = 0; i < 11; i++) estimate.record(1000, clock.now);
    const fb = feedback(
      7,
      Array.from({ length: 11 }, (_, i) => ({ sequence: 1000 + i, arrivalMs: i * 20 })),
    );
    estimate.onFeedback(fb, 0);
    estimate.onFeedback(fb, 0);
    estimate.onFeedback(Buffer.from(fb), 0);
    expect(estimate.feedbacks).toBe(1);
    // Counted twice, the same bytes would double the acked bitrate.
    expect(estimate.estimator.ackedBitrate).toBe(440_000);
  });

  it('processes the next feedback count, and counts that wrap', () => {
    const clock = new Clock();
    const estimate = estimateStartingAt(0, clock);
    for (let i = 0; i < 40; i++) estimate.record(1000, clock.now);
    const part = (count: number, from: number) =>
      feedback(
        count,
        Array.from({ length: 10 }, (_, i) => ({ sequence: from + i, arrivalMs: (from + i) * 10 })),
      );
    estimate.onFeedback(part(254, 0), 0);
    estimate.onFeedback(part(255, 10), 0);
    estimate.onFeedback(part(0, 20), 0);
    estimate.onFeedback(part(1, 30), 0);
    expect(estimate.feedbacks).toBe(4);
    // 40 000 bytes over 390 ms.
    expect(estimate.estimator.ackedBitrate).toBeCloseTo((40_000 * 8000) / 390, 6);
  });

  it('ignores reports about sequence numbers it never sent', () => {
    const clock = new Clock();
    const estimate = estimateStartingAt(1000, clock);
    for (let i = 0; i < 5; i++) estimate.record(1000, clock.now);
    estimate.onFeedback(
      feedback(0, [
        { sequence: 20_000, arrivalMs: 10 },
        { sequence: 20_001, arrivalMs: 30 },
      ]),
      0,
    );
    expect(estimate.estimator.ackedBitrate).toBe(0);
    expect(estimate.bitrate).toBe(2_500_000);
    // Known and unknown in one feedback: only the known ones count (1000..1004 sent, 1005.. not;
    // 7 entries fit the credit of 5 packets sent, less the 2 claimed above).
    estimate.onFeedback(
      feedback(
        1,
        Array.from({ length: 7 }, (_, i) => ({ sequence: 1000 + i, arrivalMs: 1000 + i * 50 })),
      ),
      0,
    );
    // 5000 bytes over the 200 ms between the first and fifth arrival.
    expect(estimate.estimator.ackedBitrate).toBe(200_000);
  });

  it('ignores a packet that is not a transport-cc feedback', () => {
    const estimate = new DownlinkEstimate(() => 0);
    estimate.onFeedback(Buffer.alloc(40), 0);
    estimate.onFeedback(Buffer.from([0x8f, 205, 0, 1]), 0);
    expect(estimate.feedbacks).toBe(0);
  });

  it('matches feedback to packets across the sequence wrap', () => {
    const clock = new Clock();
    const estimate = estimateStartingAt(65530, clock);
    for (let i = 0; i < 11; i++) {
      clock.now = i * 10;
      estimate.record(1000, clock.now);
    }
    const arrivals = Array.from({ length: 11 }, (_, i) => ({ sequence: (65530 + i) & 0xffff, arrivalMs: i * 20 }));
    estimate.onFeedback(feedback(0, arrivals), 0);
    expect(estimate.estimator.ackedBitrate).toBe(440_000);
  });

  describe('end to end, with a clock', () => {
    it('leaves the estimate alone while the path has room', () => {
      const clock = new Clock();
      clock.now = 50_000;
      const estimate = new DownlinkEstimate(clock.read);
      const link = new Link(estimate, clock);
      let lowest = estimate.bitrate;
      for (let t = 50_000 + 500; t <= 60_000; t += 500) {
        link.run(t, 1_000_000, 3_000_000);
        lowest = Math.min(lowest, estimate.bitrate);
      }
      expect(estimate.feedbacks).toBeGreaterThan(150);
      expect(lowest).toBe(2_500_000);
      expect(estimate.estimator.usage).toBe('normal');
      expect(estimate.estimator.ackedBitrate).toBeGreaterThan(950_000);
      expect(estimate.estimator.ackedBitrate).toBeLessThan(1_050_000);
    });

    it('backs off to about the capacity when the path is overloaded (send times from the injected clock)', () => {
      const clock = new Clock();
      const estimate = new DownlinkEstimate(clock.read);
      const link = new Link(estimate, clock);
      let firstCut = 0;
      for (let t = 50; t <= 1000 && !firstCut; t += 50) {
        link.run(t, 2_000_000, 1_200_000);
        if (estimate.bitrate < 2_500_000) firstCut = estimate.bitrate;
      }
      expect(firstCut).toBeLessThan(0.9 * 1_200_000);
      expect(firstCut).toBeGreaterThan(0.8 * 1_200_000);
      expect(estimate.estimator.ackedBitrate).toBeGreaterThan(1_150_000);
      expect(estimate.estimator.ackedBitrate).toBeLessThan(1_250_000);
    });

    it('cuts on reported loss', () => {
      const clock = new Clock();
      const estimate = new DownlinkEstimate(clock.read);
      const link = new Link(estimate, clock);
      // 25 % loss on an uncongested path: × ~0.875 per second.
      link.run(1_600, 1_000_000, 3_000_000, (n) => n % 4 === 0);
      expect(estimate.bitrate / 2_500_000).toBeGreaterThan(0.85);
      expect(estimate.bitrate / 2_500_000).toBeLessThan(0.9);
    });
  });
});
