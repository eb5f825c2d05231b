import { describe, expect, it } from 'vitest';
import { NackTracker } from '../src/sfu/rtp/nack-tracker.ts';

/** Feeds `sequences` in this order, all at `nowMs`. */
function receive(tracker: NackTracker, sequences: number[], nowMs: number): void {
  for (const s of sequences) tracker.onPacket(s, nowMs);
}

describe('NackTracker', () => {
  describe('no loss', () => {
    it('asks for nothing on an unbroken stream', () => {
      const tracker = new NackTracker();
      for (let i = 0; i < 500; i++) {
        tracker.onPacket(1000 + i, i * 10);
        expect(tracker.due(i * 10 + 5)).toEqual([]);
      }
      expect(tracker.missingCount).toBe(0);
      expect(tracker.recovered).toBe(0);
    });

    it('asks for nothing before the first packet or after a single one', () => {
      const tracker = new NackTracker();
      expect(tracker.due(0)).toEqual([]);
      tracker.onPacket(5, 0);
      expect(tracker.due(1000)).toEqual([]);
      expect(tracker.missingCount).toBe(0);
    });

    it('ignores duplicates and old packets that were never missing', () => {
      const tracker = new NackTracker();
      receive(tracker, [10, 11, 12, 11, 10, 12, 9, 5], 0);
      expect(tracker.missingCount).toBe(0);
      expect(tracker.recovered).toBe(0);
      expect(tracker.due(100)).toEqual([]);
    });
  });

  describe('gaps', () => {
    it('records a gap as missing at once', () => {
      const tracker = new NackTracker();
      receive(tracker, [100, 101, 105], 0);
      expect(tracker.missingCount).toBe(3);
    });

    it('NACKs a gap only after the 10 ms reordering grace', () => {
      const tracker = new NackTracker();
      receive(tracker, [100, 101], 0);
      tracker.onPacket(104, 50);
      expect(tracker.due(50)).toEqual([]);
      expect(tracker.due(59)).toEqual([]);
      expect(tracker.due(60)).toEqual([102, 103]);
    });

    it('counts the grace from when the gap was seen, not from the last packet', () => {
      const tracker = new NackTracker();
      tracker.onPacket(1, 0);
      tracker.onPacket(3, 100);
      expect(tracker.due(105)).toEqual([]);
      expect(tracker.due(110)).toEqual([2]);
    });

    it('does not NACK a packet that arrives out of order within the grace period', () => {
      const tracker = new NackTracker();
      tracker.onPacket(200, 0);
      tracker.onPacket(202, 20);
      tracker.onPacket(201, 25);
      expect(tracker.due(30)).toEqual([]);
      expect(tracker.due(500)).toEqual([]);
      expect(tracker.missingCount).toBe(0);
    });

    it('does not NACK each packet of a reordered burst', () => {
      const tracker = new NackTracker();
      tracker.onPacket(0, 0);
      receive(tracker, [4, 2, 3, 1], 5);
      expect(tracker.due(100)).toEqual([]);
    });

    it('NACKs only what is still missing after partial reordering', () => {
      const tracker = new NackTracker();
      tracker.onPacket(10, 0);
      tracker.onPacket(15, 1);
      receive(tracker, [12, 14], 3);
      expect(tracker.due(20)).toEqual([11, 13]);
      expect(tracker.missingCount).toBe(2);
    });

    it('NACKs gaps in sequence order', () => {
      const tracker = new NackTracker();
      receive(tracker, [1, 3, 6, 8], 0);
      expect(tracker.due(20)).toEqual([2, 4, 5, 7]);
    });

    it('keeps the time of each gap separately', () => {
      const tracker = new NackTracker();
      tracker.onPacket(1, 0);
      tracker.onPacket(3, 0); // 2 missing since 0
      tracker.onPacket(5, 8); // 4 missing since 8
      expect(tracker.due(10)).toEqual([2]);
      expect(tracker.due(18)).toEqual([4]);
    });
  });

  describe('retries', () => {
    it('asks again after 100 ms, three requests in all, then gives up', () => {
      const tracker = new NackTracker();
      receive(tracker, [1, 3], 0);
      expect(tracker.due(10)).toEqual([2]);
      expect(tracker.due(50)).toEqual([]);
      expect(tracker.due(109)).toEqual([]);
      expect(tracker.due(110)).toEqual([2]);
      expect(tracker.due(150)).toEqual([]);
      expect(tracker.due(210)).toEqual([2]);
      // Still tracked until the next due() drops it.
      expect(tracker.missingCount).toBe(1);
      expect(tracker.due(310)).toEqual([]);
      expect(tracker.missingCount).toBe(0);
      expect(tracker.due(1000)).toEqual([]);
    });

    it('counts the retry interval from the last request, not from the gap', () => {
      const tracker = new NackTracker();
      receive(tracker, [1, 3], 0);
      // First asked late (due() not called during the grace).
      expect(tracker.due(70)).toEqual([2]);
      expect(tracker.due(110)).toEqual([]);
      expect(tracker.due(169)).toEqual([]);
      expect(tracker.due(170)).toEqual([2]);
    });

    it('gives up on a packet missing for more than a second, even if asked fewer than three times', () => {
      const tracker = new NackTracker();
      receive(tracker, [1, 3], 0);
      expect(tracker.due(10)).toEqual([2]);
      // due() not called again until a second later.
      expect(tracker.due(1000)).toEqual([2]);
      expect(tracker.due(1001)).toEqual([]);
      expect(tracker.missingCount).toBe(0);
    });

    it('never asks for a packet first noticed more than a second ago', () => {
      const tracker = new NackTracker();
      receive(tracker, [1, 3], 0);
      expect(tracker.due(1001)).toEqual([]);
      expect(tracker.missingCount).toBe(0);
    });

    it('retries each missing packet on its own schedule', () => {
      const tracker = new NackTracker();
      receive(tracker, [1, 3], 0); // 2 missing since 0
      expect(tracker.due(10)).toEqual([2]);
      tracker.onPacket(5, 60); // 4 missing since 60
      expect(tracker.due(70)).toEqual([4]);
      expect(tracker.due(110)).toEqual([2]);
      expect(tracker.due(170)).toEqual([4]);
    });
  });

  describe('recovery', () => {
    it('removes and counts a packet that arrives after being NACKed', () => {
      const tracker = new NackTracker();
      receive(tracker, [1, 4], 0);
      expect(tracker.due(10)).toEqual([2, 3]);
      tracker.onPacket(3, 40); // retransmission
      expect(tracker.recovered).toBe(1);
      expect(tracker.missingCount).toBe(1);
      expect(tracker.due(110)).toEqual([2]);
    });

    it('counts a recovered packet once, however often it arrives', () => {
      const tracker = new NackTracker();
      receive(tracker, [1, 3], 0);
      tracker.due(10);
      receive(tracker, [2, 2, 2], 20);
      expect(tracker.recovered).toBe(1);
    });

    it('counts a packet that fills a gap within the grace period too (arrived after being noted missing)', () => {
      const tracker = new NackTracker();
      receive(tracker, [1, 3], 0);
      tracker.onPacket(2, 1);
      expect(tracker.recovered).toBe(1);
    });

    it('does not count a packet that arrives after the tracker gave up on it', () => {
      const tracker = new NackTracker();
      receive(tracker, [1, 3], 0);
      expect(tracker.due(1001)).toEqual([]);
      tracker.onPacket(2, 1100);
      expect(tracker.recovered).toBe(0);
      expect(tracker.missingCount).toBe(0);
    });
  });

  describe('sequence wrap', () => {
    it('NACKs across the wrap 65535 → 0', () => {
      const tracker = new NackTracker();
      receive(tracker, [65533, 65534], 0);
      tracker.onPacket(1, 5); // 65535 and 0 missing
      expect(tracker.missingCount).toBe(2);
      expect(tracker.due(20)).toEqual([65535, 0]);
    });

    it('sees 0 right after 65535 as the next packet, not a gap', () => {
      const tracker = new NackTracker();
      receive(tracker, [65534, 65535, 0, 1, 2], 0);
      expect(tracker.missingCount).toBe(0);
      expect(tracker.due(100)).toEqual([]);
    });

    it('recovers a packet from before the wrap after the wrap', () => {
      const tracker = new NackTracker();
      receive(tracker, [65534, 1], 0);
      expect(tracker.due(10)).toEqual([65535, 0]);
      tracker.onPacket(65535, 20);
      expect(tracker.recovered).toBe(1);
      expect(tracker.due(200)).toEqual([0]);
    });

    it('treats a packet just before the first one as old, not as a huge jump', () => {
      const tracker = new NackTracker();
      tracker.onPacket(0, 0);
      tracker.onPacket(65535, 1); // late, reordered: before the first packet
      tracker.onPacket(2, 2);
      expect(tracker.due(20)).toEqual([1]);
    });

    it('keeps working over many wraps', () => {
      const tracker = new NackTracker();
      let t = 0;
      let lost = 0;
      for (let i = 0; i < 3 * 65536; i++) {
        const sequence = (40000 + i) & 0xffff;
        if (i % 1000 === 999) {
          lost++;
          continue; // dropped
        }
        tracker.onPacket(sequence, t);
        t += 1;
        if (i % 1000 === 0 && i > 0) {
          const due = tracker.due(t + 20);
          expect(due).toEqual([(40000 + i - 1) & 0xffff]);
        }
      }
      expect(lost).toBe(196);
    });
  });

  describe('large jumps', () => {
    it('NACKs a gap of up to 200 packets', () => {
      const tracker = new NackTracker();
      tracker.onPacket(1000, 0);
      tracker.onPacket(1201, 1);
      expect(tracker.missingCount).toBe(200);
      const due = tracker.due(20);
      expect(due).toHaveLength(200);
      expect(due[0]).toBe(1001);
      expect(due[199]).toBe(1200);
    });

    it('does not NACK a jump of more than 200 (a restart or a long outage)', () => {
      const tracker = new NackTracker();
      tracker.onPacket(1000, 0);
      tracker.onPacket(1202, 1);
      expect(tracker.missingCount).toBe(0);
      expect(tracker.due(20)).toEqual([]);
    });

    it('continues normally after a large jump', () => {
      const tracker = new NackTracker();
      tracker.onPacket(1000, 0);
      tracker.onPacket(30_000, 1);
      receive(tracker, [30_001, 30_003], 2);
      expect(tracker.due(20)).toEqual([30_002]);
    });

    it('drops earlier gaps on a large jump', () => {
      const tracker = new NackTracker();
      receive(tracker, [1, 3], 0);
      expect(tracker.missingCount).toBe(1);
      tracker.onPacket(500, 1);
      expect(tracker.missingCount).toBe(0);
      expect(tracker.due(20)).toEqual([]);
    });

    it('handles a jump across the wrap like any other', () => {
      const tracker = new NackTracker();
      tracker.onPacket(65500, 0);
      tracker.onPacket(100, 1); // 135 missing: 65501..65535 and 0..99
      expect(tracker.missingCount).toBe(135);
      tracker.onPacket(400, 2); // 299 missing: too many
      expect(tracker.missingCount).toBe(0);
    });
  });
});
