import { describe, expect, it } from 'vitest';
import type { BandwidthUsage } from '../src/sfu/bwe/trendline.ts';
import { TrendlineFilter } from '../src/sfu/bwe/trendline.ts';

/**
 * Feeds one packet group every `spacingMs` with the delay variation `variation(i)` (arrival delta
 * minus send delta, ms) and returns the usage after each group.
 */
function feed(
  filter: TrendlineFilter,
  count: number,
  variation: (i: number) => number,
  spacingMs = 10,
  startMs = 0,
): BandwidthUsage[] {
  const out: BandwidthUsage[] = [];
  for (let i = 0; i < count; i++) out.push(filter.update(variation(i), startMs + i * spacingMs));
  return out;
}

/** Index of the first group reported as `usage`, or -1. */
function firstIndexOf(usages: BandwidthUsage[], usage: BandwidthUsage): number {
  return usages.indexOf(usage);
}

describe('TrendlineFilter', () => {
  it('starts normal', () => {
    expect(new TrendlineFilter().usage).toBe('normal');
  });

  it('stays normal with a steady delay (no queue building)', () => {
    const filter = new TrendlineFilter();
    const usages = feed(filter, 500, () => 0);
    expect(new Set(usages)).toEqual(new Set(['normal']));
  });

  it('returns the same usage it exposes', () => {
    const filter = new TrendlineFilter();
    for (let i = 0; i < 100; i++) {
      const returned = filter.update(i < 50 ? 5 : -5, i * 10);
      expect(returned).toBe(filter.usage);
    }
  });

  it('needs a full window of 20 groups before judging', () => {
    const filter = new TrendlineFilter();
    // A steep queue build-up: 5 ms more delay every 10 ms.
    const usages = feed(filter, 19, () => 5);
    expect(new Set(usages)).toEqual(new Set(['normal']));
  });

  it('reports overuse when the queue keeps growing', () => {
    const filter = new TrendlineFilter();
    const usages = feed(filter, 100, () => 5);
    const first = firstIndexOf(usages, 'overusing');
    // Judged from the 20th group (index 19) on, and the trend must stay above the threshold for
    // 10 ms: the group 10 ms later.
    expect(first).toBe(20);
    expect(usages.slice(first)).toEqual(Array(100 - first).fill('overusing'));
  });

  it('needs the overuse to last 10 ms, however many groups that takes', () => {
    // Groups 3 ms apart: above the threshold from index 19, 10 ms later is index 23 (12 ms).
    const usages = feed(new TrendlineFilter(), 100, () => 1.5, 3);
    expect(firstIndexOf(usages, 'overusing')).toBe(23);
  });

  it('detects slower queue growth too, just later', () => {
    const steep = firstIndexOf(
      feed(new TrendlineFilter(), 200, () => 5),
      'overusing',
    );
    const gentle = firstIndexOf(
      feed(new TrendlineFilter(), 200, () => 0.5),
      'overusing',
    );
    expect(steep).toBeGreaterThan(0);
    // The trend is scaled by the number of groups seen (up to 60): a gentle slope needs more of
    // them to cross the threshold.
    expect(gentle).toBeGreaterThan(steep + 5);
    expect(gentle).toBeLessThan(100);
  });

  it('reports underuse while the queue drains', () => {
    const filter = new TrendlineFilter();
    const usages = feed(filter, 60, () => -5);
    expect(usages.slice(0, 19)).toEqual(Array(19).fill('normal'));
    expect(usages.slice(25)).toEqual(Array(35).fill('underusing'));
  });

  it('ignores jitter without a trend', () => {
    const alternating = feed(new TrendlineFilter(), 1000, (i) => (i % 2 ? 4 : -4));
    expect(new Set(alternating)).toEqual(new Set(['normal']));
    // Pseudo-random jitter within ±6 ms that sums to about zero.
    const noisy = feed(new TrendlineFilter(), 1000, (i) => ((i * 7919) % 13) - 6);
    expect(new Set(noisy)).toEqual(new Set(['normal']));
  });

  it('goes back to normal once the queue stops growing', () => {
    const filter = new TrendlineFilter();
    const growing = feed(filter, 40, () => 5);
    expect(growing[39]).toBe('overusing');
    const steady = feed(filter, 100, () => 0, 10, 400);
    const back = firstIndexOf(steady, 'normal');
    expect(back).toBeGreaterThan(0);
    // Smoothing and the 20-group window delay the return by a few hundred ms at most.
    expect(back).toBeLessThan(50);
    expect(steady.slice(back)).toEqual(Array(100 - back).fill('normal'));
  });

  it('goes overuse → underuse → normal as a queue builds, drains and settles', () => {
    const filter = new TrendlineFilter();
    const usages = [
      ...feed(filter, 60, () => 5),
      ...feed(filter, 60, () => -5, 10, 600),
      ...feed(filter, 200, () => 0, 10, 1200),
    ];
    const sequence = usages.filter((u, i) => i === 0 || u !== usages[i - 1]);
    expect(sequence).toEqual(['normal', 'overusing', 'normal', 'underusing', 'normal']);
  });

  it('measures the trend against arrival time, not the number of groups', () => {
    // The same delay growth per group is a steeper queue when groups arrive closer together.
    const sparse = feed(new TrendlineFilter(), 200, () => 0.5, 40);
    const dense = feed(new TrendlineFilter(), 200, () => 0.5, 5);
    expect(firstIndexOf(dense, 'overusing')).toBeGreaterThan(0);
    expect(sparse).not.toContain('overusing');
  });

  it('adapts its threshold to a persistent moderate trend', () => {
    // Delay grows by 0.1 ms per 10 ms for a long time: flagged at first, then the adaptive
    // threshold catches up with the trend and the flag drops at least for a while (GCC §5.4).
    const usages = feed(new TrendlineFilter(), 3000, () => 1);
    const first = firstIndexOf(usages, 'overusing');
    expect(first).toBeGreaterThan(0);
    expect(usages.slice(first)).toContain('normal');
  });

  it('keeps flagging a steep persistent trend (outliers do not move the threshold)', () => {
    const usages = feed(new TrendlineFilter(), 3000, () => 10);
    const first = firstIndexOf(usages, 'overusing');
    expect(usages.slice(first)).toEqual(Array(3000 - first).fill('overusing'));
  });
});
