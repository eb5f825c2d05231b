import { describe, expect, it } from 'vitest';
import type { FeedbackPacket } from '../src/sfu/bwe/bandwidth-estimator.ts';
import { BandwidthEstimator } from '../src/sfu/bwe/bandwidth-estimator.ts';
import { decreases, PACKET_BYTES, Simulation, type Step } from './helpers/link-simulation.ts';

describe('BandwidthEstimator', () => {
  describe('before any feedback', () => {
    it('starts at an optimistic 2.5 Mbit/s by default', () => {
      const estimator = new BandwidthEstimator();
      expect(estimator.estimate).toBe(2_500_000);
      expect(estimator.ackedBitrate).toBe(0);
      expect(estimator.usage).toBe('normal');
    });

    it('starts at initialBps when given', () => {
      expect(new BandwidthEstimator({ initialBps: 800_000 }).estimate).toBe(800_000);
    });

    it('does not change on an empty first feedback', () => {
      const estimator = new BandwidthEstimator({ initialBps: 800_000 });
      estimator.onFeedback([], 0);
      estimator.onFeedback([], 50);
      expect(estimator.estimate).toBe(800_000);
    });
  });

  describe('capacity above the sending rate', () => {
    it('never drops, and grows about 15 % per second from a low start', () => {
      const sim = new Simulation({ initialBps: 300_000 });
      const steps = sim.run(20_000, { sendBps: 1_000_000, capacityBps: 3_000_000 });
      expect(decreases(steps, 300_000)).toEqual([]);
      expect(steps.some((s) => s.usage === 'overusing')).toBe(false);
      expect(steps.every((s) => s.queueMs < 1)).toBe(true);
      for (const second of [2_000, 5_000, 8_000]) {
        const growth = sim.estimateAt(second + 1000) / sim.estimateAt(second);
        expect(growth).toBeGreaterThan(1.13);
        expect(growth).toBeLessThan(1.19);
      }
    });

    it('stays within max(initial, 1.5 × acked + 500 kbit/s) and settles there', () => {
      const sim = new Simulation({ initialBps: 300_000 });
      const steps = sim.run(20_000, { sendBps: 1_000_000, capacityBps: 3_000_000 });
      for (const step of steps) expect(step.estimate).toBeLessThanOrEqual(Math.max(300_000, 1.5 * step.acked + 500_000) + 1e-6);
      const last = steps[steps.length - 1] as Step;
      // ~1 Mbit/s arrives, so the ceiling is ~2 Mbit/s: reached after ~13 s of 15 %/s growth.
      expect(last.acked).toBeGreaterThan(980_000);
      expect(last.acked).toBeLessThan(1_030_000);
      expect(last.estimate).toBeCloseTo(1.5 * last.acked + 500_000, -3);
      expect(sim.estimateAt(15_000)).toBeCloseTo(last.estimate, -3);
    });

    it('does not grow past an initial estimate above the ceiling, nor drop from it', () => {
      const sim = new Simulation();
      const steps = sim.run(10_000, { sendBps: 1_000_000, capacityBps: 5_000_000 });
      // Ceiling max(2.5M, 1.5 × 1M + 0.5M = 2M) = 2.5M.
      expect(steps.every((s) => s.estimate === 2_500_000)).toBe(true);
    });

    it('grows with what gets through when more is sent', () => {
      const sim = new Simulation({ initialBps: 2_500_000 });
      const steps = sim.run(10_000, { sendBps: 2_400_000, capacityBps: 10_000_000 });
      expect(decreases(steps, 2_500_000)).toEqual([]);
      // Ceiling 1.5 × 2.4M + 0.5M ≈ 4.1M, reached after ~3.4 s.
      const last = steps[steps.length - 1] as Step;
      expect(last.estimate).toBeGreaterThan(4_000_000);
      expect(last.estimate).toBeLessThan(4_200_000);
    });
  });

  describe('sending above capacity', () => {
    it('sees the queue grow, reports overuse and backs off to ~85 % of what arrived', () => {
      const sim = new Simulation();
      const steps = sim.run(1_000, { sendBps: 2_000_000, capacityBps: 1_500_000 });
      // The bottleneck queue grows by a quarter of the elapsed time.
      expect(sim.steps.find((s) => s.at === 500)?.queueMs).toBeGreaterThan(100);
      expect(sim.steps.find((s) => s.at === 1000)?.queueMs).toBeGreaterThan(200);
      const overuse = steps.find((s) => s.usage === 'overusing');
      expect(overuse).toBeDefined();
      expect(overuse?.at).toBeLessThanOrEqual(500);
      const first = decreases(steps, 2_500_000)[0] as Step;
      expect(first).toBeDefined();
      expect(first.at).toBe(overuse?.at);
      expect(first.estimate).toBeCloseTo(0.85 * first.acked, -2);
      // What arrives is the capacity, so the new estimate is just below it.
      expect(first.estimate).toBeGreaterThan(0.8 * 1_500_000);
      expect(first.estimate).toBeLessThan(0.9 * 1_500_000);
    });

    it('measures the capacity as the acked bitrate', () => {
      const sim = new Simulation();
      const steps = sim.run(3_000, { sendBps: 2_000_000, capacityBps: 1_500_000 });
      const last = steps[steps.length - 1] as Step;
      expect(last.acked).toBeGreaterThan(1_470_000);
      expect(last.acked).toBeLessThan(1_530_000);
    });

    it('reacts to a mild (10 %) overload too', () => {
      const sim = new Simulation();
      const steps = sim.run(2_000, { sendBps: 1_100_000, capacityBps: 1_000_000 });
      const first = decreases(steps, 2_500_000)[0];
      expect(first?.at).toBeLessThanOrEqual(1000);
      expect(first?.estimate).toBeGreaterThan(0.8 * 1_000_000);
      expect(first?.estimate).toBeLessThan(0.9 * 1_000_000);
    });

    it('decreases at most every 300 ms while overuse lasts', () => {
      const sim = new Simulation();
      const steps = sim.run(3_000, { sendBps: 2_000_000, capacityBps: 1_500_000 });
      const times = decreases(steps, 2_500_000).map((s) => s.at);
      expect(times.length).toBeGreaterThan(1);
      for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThan(300);
    });

    it('does not back off below 85 % of what arrived while a sender keeps overusing', () => {
      // The delay-based rule is "back off to 85 % of what actually arrived" (GCC: A = 0.85 × R).
      // Here ~1.5 Mbit/s keeps arriving, so the estimate should stay near 0.85 × 1.5M ≈ 1.28M.
      // It falls instead by another 15 % on every decrease (0.85 × min(acked, estimate)), to a
      // fraction of the capacity within 3 s.
      const sim = new Simulation();
      const steps = sim.run(3_000, { sendBps: 2_000_000, capacityBps: 1_500_000 });
      const last = steps[steps.length - 1] as Step;
      expect(last.acked).toBeGreaterThan(1_450_000);
      expect(last.estimate).toBeGreaterThanOrEqual(0.85 * last.acked * 0.95);
    });
  });

  describe('a sender that follows the estimate', () => {
    /**
     * A sender that wants 1.5 Mbit/s and sends min(1.5M, estimate) as the estimate was 200 ms
     * earlier (the SFU switches layers at the next key frame), over a path whose capacity drops
     * from 3 to 1 Mbit/s at 5 s.
     */
    function capacityDrop(): { sim: Simulation; steps: Step[] } {
      const sim = new Simulation();
      const sendBps = (t: number) => Math.min(1_500_000, sim.estimateAt(t - 200));
      const before = sim.run(5_000, { sendBps, capacityBps: 3_000_000 });
      const after = sim.run(20_000, { sendBps, capacityBps: 1_000_000 });
      // Sanity check of the simulation: ~1.5 Mbit/s for 5 s, then ~1 Mbit/s for 15 s.
      expect(sim.sent).toBeGreaterThan(((5 * 1_500_000 + 15 * 800_000) / 8 / PACKET_BYTES) | 0);
      expect(sim.sent).toBeLessThan(((5 * 1_500_000 + 15 * 1_200_000) / 8 / PACKET_BYTES) | 0);
      return { sim, steps: [...before, ...after] };
    }

    it('does not move while the path has room', () => {
      const { steps } = capacityDrop();
      const before = steps.filter((s) => s.at <= 5000 && s.at > 1000);
      expect(decreases(before, (before[0] as Step).estimate)).toEqual([]);
    });

    it('reacts to a capacity drop within a few hundred milliseconds', () => {
      const { steps } = capacityDrop();
      const first = decreases(
        steps.filter((s) => s.at > 5000),
        steps.find((s) => s.at === 5000)?.estimate ?? 0,
      )[0];
      expect(first).toBeDefined();
      expect(first?.at).toBeLessThanOrEqual(5300);
    });

    it('brings the estimate under the new capacity within a second, without collapsing', () => {
      const { sim, steps } = capacityDrop();
      expect(sim.estimateAt(6000)).toBeLessThan(1_000_000);
      const after = steps.filter((s) => s.at > 5000);
      const lowest = Math.min(...after.map((s) => s.estimate));
      expect(lowest).toBeGreaterThan(0.6 * 1_000_000);
    });

    it('then oscillates around the capacity (AIMD sawtooth) with a bounded queue', () => {
      const { steps } = capacityDrop();
      const late = steps.filter((s) => s.at > 10_000);
      for (const s of late) {
        expect(s.estimate).toBeGreaterThan(0.7 * 1_000_000);
        expect(s.estimate).toBeLessThan(1.2 * 1_000_000);
        expect(s.queueMs).toBeLessThan(150);
      }
      // It keeps probing: several decreases in those 10 s, each followed by growth.
      const cuts = decreases(late, (late[0] as Step).estimate);
      expect(cuts.length).toBeGreaterThanOrEqual(2);
      expect(cuts.length).toBeLessThanOrEqual(10);
    });
  });

  describe('loss', () => {
    it('cuts by about half the loss rate once per second above 10 % loss', () => {
      const sim = new Simulation({ initialBps: 2_000_000 });
      // Every 5th packet lost: 20 % → × 0.9 per second. No queue, so no delay signal.
      const steps = sim.run(3_500, { sendBps: 1_000_000, capacityBps: 3_000_000, lose: (n) => n % 5 === 0 });
      expect(steps.every((s) => s.usage !== 'overusing')).toBe(true);
      const cuts = decreases(steps, 2_000_000);
      expect(cuts).toHaveLength(3);
      let previous = 2_000_000;
      for (const cut of cuts) {
        expect(cut.estimate / previous).toBeGreaterThan(0.88);
        expect(cut.estimate / previous).toBeLessThan(0.92);
        previous = cut.estimate;
      }
      expect((cuts[1] as Step).at - (cuts[0] as Step).at).toBe(1000);
    });

    it('ignores loss of 10 % or less', () => {
      const sim = new Simulation({ initialBps: 2_000_000 });
      const steps = sim.run(5_000, { sendBps: 1_000_000, capacityBps: 3_000_000, lose: (n) => n % 20 === 0 });
      expect(decreases(steps, 2_000_000)).toEqual([]);
    });

    it('cuts harder for heavier loss', () => {
      const sim = new Simulation({ initialBps: 2_000_000 });
      // Half the packets lost: × 0.75.
      const steps = sim.run(1_500, { sendBps: 1_000_000, capacityBps: 3_000_000, lose: (n) => n % 2 === 0 });
      const cut = decreases(steps, 2_000_000)[0];
      expect((cut?.estimate ?? 0) / 2_000_000).toBeCloseTo(0.75, 2);
    });

    it('applies the 10 % limit exactly: 10/100 is no cut, 11/100 is', () => {
      const feed = (lost: number) => {
        const estimator = new BandwidthEstimator({ initialBps: 1_000_000 });
        const packets: FeedbackPacket[] = [];
        for (let i = 0; i < 100; i++) packets.push({ sentAt: i * 10, bytes: 100, arrivalMs: i < lost ? null : i * 10 + 30 });
        estimator.onFeedback(packets, 1000); // starts the 1 s loss interval
        estimator.onFeedback([], 2000);
        return estimator.estimate;
      };
      // No cut; the ceiling max(1M, 1.5 × acked + 0.5M) ≈ 1M holds growth back.
      expect(feed(10)).toBe(1_000_000);
      expect(feed(11)).toBeCloseTo(1_000_000 * (1 - 0.5 * 0.11), 0);
    });

    it('counts loss per second, not since the start', () => {
      const sim = new Simulation({ initialBps: 2_000_000 });
      // 30 % loss in the first second only.
      const steps = sim.run(6_000, { sendBps: 1_000_000, capacityBps: 3_000_000, lose: (n) => n < 100 && n % 10 < 3 });
      expect(decreases(steps, 2_000_000)).toHaveLength(1);
    });
  });

  describe('after a decrease', () => {
    it('holds for a second, then grows about 15 % per second', () => {
      const sim = new Simulation({ initialBps: 1_000_000 });
      // A second with 30 % loss (cut to ~0.85), then a clean path with room to grow into.
      const lossy = sim.run(1_100, { sendBps: 1_000_000, capacityBps: 3_000_000, lose: (n) => n % 10 < 3 });
      const cut = decreases(lossy, 1_000_000)[0] as Step;
      expect(cut).toBeDefined();
      // The estimate grew a little before the loss interval ended; the cut is relative to that.
      const before = sim.estimateAt(cut.at - 1);
      expect(before).toBeGreaterThan(1_000_000);
      // ~30 % loss over the interval (a little more or less depending on where it ends): × ~0.85.
      expect(cut.estimate / before).toBeGreaterThan(0.83);
      expect(cut.estimate / before).toBeLessThan(0.87);
      const clean = sim.run(5_000, { sendBps: 1_000_000, capacityBps: 3_000_000 });
      for (const s of clean) {
        if (s.at < cut.at + 1000) expect(s.estimate).toBe(cut.estimate);
      }
      expect(sim.estimateAt(cut.at + 1000)).toBeGreaterThan(cut.estimate);
      const growth = sim.estimateAt(cut.at + 2000) / sim.estimateAt(cut.at + 1000);
      expect(growth).toBeGreaterThan(1.13);
      expect(growth).toBeLessThan(1.19);
    });

    it('holds after a delay-based decrease while the queue drains, then grows', () => {
      const sim = new Simulation();
      // Overload for a second, then the sender drops to half the capacity.
      sim.run(1_000, { sendBps: 2_000_000, capacityBps: 1_500_000 });
      const after = sim.run(8_000, { sendBps: 750_000, capacityBps: 1_500_000 });
      const all = sim.steps;
      const cuts = decreases(all, 2_500_000);
      const lastCut = cuts[cuts.length - 1] as Step;
      expect(lastCut).toBeDefined();
      // The queue drains within a second or two of the overload.
      expect((after[after.length - 1] as Step).queueMs).toBeLessThan(1);
      for (const s of all) if (s.at > lastCut.at && s.at < lastCut.at + 1000) expect(s.estimate).toBe(lastCut.estimate);
      const growth = sim.estimateAt(lastCut.at + 3000) / sim.estimateAt(lastCut.at + 2000);
      expect(growth).toBeGreaterThan(1.13);
      expect(growth).toBeLessThan(1.19);
    });
  });

  describe('bounds', () => {
    it('never goes below minBps', () => {
      const sim = new Simulation({ initialBps: 400_000, minBps: 150_000 });
      const steps = sim.run(15_000, { sendBps: 1_000_000, capacityBps: 3_000_000, lose: (n) => n % 2 === 0 });
      expect(Math.min(...steps.map((s) => s.estimate))).toBe(150_000);
      expect((steps[steps.length - 1] as Step).estimate).toBe(150_000);
    });

    it('defaults minBps to 100 kbit/s', () => {
      const sim = new Simulation({ initialBps: 200_000 });
      const steps = sim.run(15_000, { sendBps: 1_000_000, capacityBps: 3_000_000, lose: (n) => n % 2 === 0 });
      expect((steps[steps.length - 1] as Step).estimate).toBe(100_000);
    });

    it('never goes above maxBps', () => {
      const sim = new Simulation({ initialBps: 1_000_000, maxBps: 1_200_000 });
      const steps = sim.run(10_000, { sendBps: 2_000_000, capacityBps: 10_000_000 });
      expect(Math.max(...steps.map((s) => s.estimate))).toBe(1_200_000);
      expect((steps[steps.length - 1] as Step).estimate).toBe(1_200_000);
    });

    it('defaults maxBps to 20 Mbit/s', () => {
      const sim = new Simulation({ initialBps: 18_000_000 });
      const steps = sim.run(5_000, { sendBps: 16_000_000, capacityBps: 100_000_000 });
      expect((steps[steps.length - 1] as Step).estimate).toBe(20_000_000);
    });
  });

  describe('ackedBitrate', () => {
    it('is 0 until two packets have arrived at different times', () => {
      const estimator = new BandwidthEstimator();
      estimator.onFeedback([{ sentAt: 0, bytes: 1200, arrivalMs: 40 }], 50);
      expect(estimator.ackedBitrate).toBe(0);
      estimator.onFeedback([{ sentAt: 1, bytes: 1200, arrivalMs: 40 }], 100);
      expect(estimator.ackedBitrate).toBe(0);
    });

    it('does not count lost packets', () => {
      const estimator = new BandwidthEstimator();
      estimator.onFeedback(
        [
          { sentAt: 0, bytes: 1000, arrivalMs: 0 },
          { sentAt: 100, bytes: 50_000, arrivalMs: null },
          { sentAt: 200, bytes: 1000, arrivalMs: 200 },
        ],
        250,
      );
      // 2000 bytes over 200 ms.
      expect(estimator.ackedBitrate).toBe(80_000);
    });

    it('is the bytes over the arrival span, at least 100 ms', () => {
      const estimator = new BandwidthEstimator();
      const burst: FeedbackPacket[] = [];
      for (let i = 0; i < 10; i++) burst.push({ sentAt: i, bytes: 1250, arrivalMs: 5000 + i });
      estimator.onFeedback(burst, 50);
      // 12 500 bytes within 9 ms, counted over 100 ms.
      expect(estimator.ackedBitrate).toBe(1_000_000);
    });

    it('only counts the last second of arrivals', () => {
      const sim = new Simulation();
      sim.run(3_000, { sendBps: 2_000_000, capacityBps: 10_000_000 });
      sim.run(6_000, { sendBps: 500_000, capacityBps: 10_000_000 });
      const acked = sim.estimator.ackedBitrate;
      expect(acked).toBeGreaterThan(490_000);
      expect(acked).toBeLessThan(520_000);
    });

    it('is measured on the receiver clock, whatever its offset', () => {
      const a = new BandwidthEstimator();
      const b = new BandwidthEstimator();
      const packets = (offset: number): FeedbackPacket[] =>
        Array.from({ length: 50 }, (_, i) => ({ sentAt: i * 8, bytes: 1000, arrivalMs: offset + i * 10 }));
      a.onFeedback(packets(0), 500);
      b.onFeedback(packets(-123_456), 500);
      // 50 000 bytes over 490 ms.
      expect(a.ackedBitrate).toBeCloseTo((50_000 * 8000) / 490, 6);
      expect(b.ackedBitrate).toBe(a.ackedBitrate);
    });
  });
});

describe('BandwidthEstimator while the link carries little (app-limited)', () => {
  it('a delay spike while only audio flows halves the estimate at most per verdict, not down to the floor', () => {
    // ~40 kbit/s of audio (100-byte packets every 20 ms), then a queue that grows 30 ms per packet.
    const estimator = new BandwidthEstimator({ initialBps: 1_500_000 });
    let arrival = 0;
    for (let i = 0; i < 100; i++) {
      const sentAt = i * 20;
      arrival = sentAt + 5 + (i > 50 ? (i - 50) * 3 : 0);
      estimator.onFeedback([{ sentAt, bytes: 100, arrivalMs: arrival }], sentAt + 5);
    }
    expect(estimator.usage).toBe('overusing');
    expect(estimator.ackedBitrate).toBeLessThan(100_000);
    // One verdict in a 300 ms window: half of 1.5 Mbit/s, not 85 % of 40 kbit/s.
    expect(estimator.estimate).toBeGreaterThanOrEqual(0.5 ** 3 * 1_500_000);
    expect(estimator.estimate).toBeGreaterThan(150_000);
  });
});
