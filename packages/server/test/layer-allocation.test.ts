import { describe, expect, it } from 'vitest';
import type { AllocationItem, AllocationLayer } from '../src/sfu/layer-allocation.ts';
import { allocateLayers, sourcePriority } from '../src/sfu/layer-allocation.ts';
import { PAUSED } from '../src/sfu/slot.ts';

/** What the allocator assumes for a layer whose rate is not measured yet (bitrate 0). */
const ASSUMED = [150_000, 500_000, 1_500_000];

function layer(index: number, bitrate = 0, active = true): AllocationLayer {
  return { index, bitrate, active };
}

/** Three simulcast layers (q, h, f) not measured yet: 150k, 500k and 1.5M assumed. */
const SIMULCAST: AllocationLayer[] = [layer(0), layer(1), layer(2)];

function item(id: string, desired: number, priority = 0, layers: readonly AllocationLayer[] = SIMULCAST): AllocationItem {
  return { id, priority, layers, desired };
}

function allocate(items: AllocationItem[], budget: number): Record<string, number> {
  return Object.fromEntries(allocateLayers(items, budget));
}

/** Cost of an allocation, the way the allocator counts it. */
function cost(items: AllocationItem[], result: Record<string, number>): number {
  let total = 0;
  for (const it of items) {
    const index = result[it.id];
    if (index === undefined || index === PAUSED) continue;
    const l = it.layers.find((x) => x.index === index);
    total += l && l.bitrate > 0 ? l.bitrate : (ASSUMED[index] ?? 1_500_000);
  }
  return total;
}

describe('allocateLayers', () => {
  it('returns an empty map for no items', () => {
    expect(allocateLayers([], 10_000_000).size).toBe(0);
  });

  it('returns an entry for every item, keyed by id', () => {
    const items = [item('x', 0), item('y', PAUSED), item('z', 2)];
    const result = allocateLayers(items, 100);
    expect([...result.keys()].sort()).toEqual(['x', 'y', 'z']);
  });

  describe('paused items', () => {
    it('keeps an item the receiver does not render paused, whatever the budget', () => {
      expect(allocate([item('a', PAUSED)], 100_000_000)).toEqual({ a: PAUSED });
    });

    it('does not spend budget on paused items', () => {
      // b is paused (not rendered) and has top priority: a still gets everything it asks for.
      const result = allocate([item('a', 2, 0), item('b', PAUSED, 5)], 1_800_000);
      expect(result).toEqual({ a: 2, b: PAUSED });
    });

    it('pauses an item without layers', () => {
      expect(allocate([item('a', 2, 0, [])], 10_000_000)).toEqual({ a: PAUSED });
    });

    it('a paused item does not count as "the first" that always gets a layer', () => {
      // The top-priority item is paused; the next one is the first that wants video, so it gets
      // its lowest layer even though the budget is zero.
      expect(allocate([item('a', PAUSED, 2), item('b', 1, 1), item('c', 1, 0)], 0)).toEqual({ a: PAUSED, b: 0, c: PAUSED });
    });
  });

  describe('lowest layers first', () => {
    it('gives everyone their lowest layer when that is all the budget allows', () => {
      // 3 × 150k = 450k: nothing left for an upgrade.
      expect(allocate([item('a', 2), item('b', 2), item('c', 2)], 450_000)).toEqual({ a: 0, b: 0, c: 0 });
    });

    it('pauses lower-priority items when not everyone fits', () => {
      const items = [item('low', 2, 0), item('high', 2, 10), item('mid', 2, 5)];
      expect(allocate(items, 300_000)).toEqual({ high: 0, mid: 0, low: PAUSED });
      expect(allocate(items, 299_999)).toEqual({ high: 0, mid: PAUSED, low: PAUSED });
    });

    it('always gives the first item a layer, even over budget', () => {
      expect(allocate([item('a', 2, 1), item('b', 2, 0)], 0)).toEqual({ a: 0, b: PAUSED });
      expect(allocate([item('a', 2)], 1)).toEqual({ a: 0 });
      // The first item's lowest active layer costs more than the whole budget.
      expect(allocate([item('a', 2, 0, [layer(0, 2_000_000)])], 500_000)).toEqual({ a: 0 });
    });

    it('still fits a cheaper lower-priority item after pausing an expensive one', () => {
      // b's only active layer is f (1.5M): it does not fit, c's q (150k) still does.
      const items = [item('a', 2, 3), item('b', 2, 2, [layer(0, 0, false), layer(1, 0, false), layer(2)]), item('c', 2, 1)];
      expect(allocate(items, 400_000)).toEqual({ a: 0, b: PAUSED, c: 0 });
    });

    it('breaks priority ties by id, independently of input order', () => {
      const items = [item('carol', 2), item('alice', 2), item('bob', 2)];
      expect(allocate(items, 300_000)).toEqual({ alice: 0, bob: 0, carol: PAUSED });
      expect(allocate([...items].reverse(), 300_000)).toEqual({ alice: 0, bob: 0, carol: PAUSED });
    });
  });

  describe('upgrades', () => {
    it('gives everyone what they render when the budget is ample', () => {
      const items = [item('a', 2), item('b', 1), item('c', 0)];
      expect(allocate(items, 10_000_000)).toEqual({ a: 2, b: 1, c: 0 });
    });

    it('never goes above what the receiver renders', () => {
      expect(allocate([item('a', 1)], 100_000_000)).toEqual({ a: 1 });
      expect(allocate([item('a', 0)], 100_000_000)).toEqual({ a: 0 });
    });

    it('upgrades higher priority first, all the way, before lower priority', () => {
      // Base: 2 × 150k = 300k, 1.7M left. a: +350k (×1.15 = 402.5k) → 1.35M left, +1M (×1.15 =
      // 1.15M) → 350k left. b: +350k × 1.15 = 402.5k does not fit.
      const items = [item('b', 2, 0), item('a', 2, 1)];
      expect(allocate(items, 2_000_000)).toEqual({ a: 2, b: 0 });
    });

    it('moves one step at a time: a lower item may still take a smaller step', () => {
      // As above with 2.1M: after a's two steps 450k are left; b's step to h needs 402.5k.
      const items = [item('b', 2, 0), item('a', 2, 1)];
      expect(allocate(items, 2_100_000)).toEqual({ a: 2, b: 1 });
    });

    it('stops an item at the step that does not fit and lets the next one upgrade', () => {
      // a can afford h but not f; b, lower priority, then takes the step to h with what is left:
      // 1.1M left after the base, a → h (750k left), a's f needs 1.15M: no; b → h (400k left).
      const items = [item('a', 2, 1), item('b', 2, 0)];
      expect(allocate(items, 1_400_000)).toEqual({ a: 1, b: 1 });
    });

    it('needs 15 % headroom on the extra cost of a step', () => {
      // q → h costs 350k more: needs 402.5k left after the 150k base.
      expect(allocate([item('a', 2)], 150_000 + 402_500)).toEqual({ a: 1 });
      expect(allocate([item('a', 2)], 150_000 + 402_499)).toEqual({ a: 0 });
      // Exactly the cost of h without headroom is not enough.
      expect(allocate([item('a', 2)], 500_000)).toEqual({ a: 0 });
    });

    it('applies the headroom per step, not to the total', () => {
      // f after q and h: 150k + 350k + 1M × 1.15 = 1.65M. That is only 10 % above f's 1.5M.
      expect(allocate([item('a', 2)], 1_650_000)).toEqual({ a: 2 });
      expect(allocate([item('a', 2)], 1_649_999)).toEqual({ a: 1 });
    });

    it('never allocates more than the budget, except the first item forced in', () => {
      const items = [item('a', 2, 2), item('b', 2, 1), item('c', 1, 0), item('d', 2, 0, [layer(0, 90_000), layer(1, 410_000)])];
      for (let budget = 0; budget <= 6_000_000; budget += 37_000) {
        const result = allocate(items, budget);
        const spent = cost(items, result);
        if (spent > budget) {
          // Only the top item's lowest layer may overshoot.
          expect(result).toEqual({ a: 0, b: PAUSED, c: PAUSED, d: PAUSED });
        }
      }
    });

    it('never gives an item less when the budget grows', () => {
      const items = [item('a', 2, 1), item('b', 2, 0), item('c', 1, 0)];
      let previous = allocate(items, 0);
      for (let budget = 10_000; budget <= 5_000_000; budget += 10_000) {
        const result = allocate(items, budget);
        // The top-priority item only ever improves.
        expect(result.a).toBeGreaterThanOrEqual(previous.a ?? PAUSED);
        previous = result;
      }
      expect(previous).toEqual({ a: 2, b: 2, c: 1 });
    });
  });

  describe('layer costs', () => {
    it('uses measured bitrates instead of the assumed ones', () => {
      // Measured q 100k, h 300k, f 900k: after q and h (300k spent), f's extra 600k needs
      // 600k × 1.15 = 690k left: 990k in all.
      const measured = [layer(0, 100_000), layer(1, 300_000), layer(2, 900_000)];
      expect(allocate([item('a', 2, 0, measured)], 990_000)).toEqual({ a: 2 });
      expect(allocate([item('a', 2, 0, measured)], 989_999)).toEqual({ a: 1 });
      // With assumed rates the same budget only reaches h.
      expect(allocate([item('a', 2)], 990_000)).toEqual({ a: 1 });
    });

    it('assumes 150k, 500k and 1.5M for unmeasured layers by index', () => {
      // Two items of q: 300k; any less pauses the second.
      expect(allocate([item('a', 0, 1), item('b', 0)], 300_000)).toEqual({ a: 0, b: 0 });
      expect(allocate([item('a', 0, 1), item('b', 0)], 299_999)).toEqual({ a: 0, b: PAUSED });
      // Only h active (500k each).
      const hOnly = [layer(0, 0, false), layer(1), layer(2, 0, false)];
      expect(allocate([item('a', 2, 1, hOnly), item('b', 2, 0, hOnly)], 1_000_000)).toEqual({ a: 1, b: 1 });
      expect(allocate([item('a', 2, 1, hOnly), item('b', 2, 0, hOnly)], 999_999)).toEqual({ a: 1, b: PAUSED });
      // Only f active (1.5M each).
      const fOnly = [layer(0, 0, false), layer(1, 0, false), layer(2)];
      expect(allocate([item('a', 2, 1, fOnly), item('b', 2, 0, fOnly)], 3_000_000)).toEqual({ a: 2, b: 2 });
      expect(allocate([item('a', 2, 1, fOnly), item('b', 2, 0, fOnly)], 2_999_999)).toEqual({ a: 2, b: PAUSED });
    });

    it('assumes 1.5M for an unmeasured layer beyond the third', () => {
      const four = [layer(0, 0, false), layer(1, 0, false), layer(2, 0, false), layer(3)];
      expect(allocate([item('a', 3, 1, four), item('b', 3, 0, four)], 3_000_000)).toEqual({ a: 3, b: 3 });
      expect(allocate([item('a', 3, 1, four), item('b', 3, 0, four)], 2_999_999)).toEqual({ a: 3, b: PAUSED });
    });

    it('mixes measured and assumed layers', () => {
      // q measured at 50k, h and f not yet: h needs 50k + 450k × 1.15 = 567.5k.
      const mixed = [layer(0, 50_000), layer(1), layer(2)];
      expect(allocate([item('a', 2, 0, mixed)], 567_500)).toEqual({ a: 1 });
      expect(allocate([item('a', 2, 0, mixed)], 567_499)).toEqual({ a: 0 });
    });
  });

  describe('active layers', () => {
    it('skips inactive layers when choosing the lowest', () => {
      const layers = [layer(0, 0, false), layer(1), layer(2)];
      expect(allocate([item('a', 2, 0, layers)], 0)).toEqual({ a: 1 });
    });

    it('skips an inactive middle layer when upgrading', () => {
      // q → f directly: +1.35M × 1.15 = 1.5525M after the 150k base.
      const layers = [layer(0), layer(1, 0, false), layer(2)];
      expect(allocate([item('a', 2, 0, layers)], 150_000 + 1_552_500)).toEqual({ a: 2 });
      expect(allocate([item('a', 2, 0, layers)], 150_000 + 1_552_499)).toEqual({ a: 0 });
      expect(allocate([item('a', 1, 0, layers)], 100_000_000)).toEqual({ a: 0 });
    });

    it('never picks an inactive layer while an active one exists', () => {
      const layers = [layer(0), layer(1, 0, false), layer(2, 0, false)];
      expect(allocate([item('a', 2, 0, layers)], 100_000_000)).toEqual({ a: 0 });
    });

    it('considers every layer when none is active', () => {
      const layers = SIMULCAST.map((l) => ({ ...l, active: false }));
      expect(allocate([item('a', 2, 0, layers)], 100_000_000)).toEqual({ a: 2 });
      expect(allocate([item('a', 1, 0, layers)], 0)).toEqual({ a: 0 });
    });

    it('gives the lowest active layer when the desired one is below every active layer', () => {
      // The receiver renders small (q), but the publisher only sends h and f.
      const layers = [layer(0, 0, false), layer(1), layer(2)];
      expect(allocate([item('a', 0, 0, layers)], 100_000_000)).toEqual({ a: 1 });
      const fOnly = [layer(0, 0, false), layer(1, 0, false), layer(2)];
      expect(allocate([item('a', 1, 0, fOnly)], 100_000_000)).toEqual({ a: 2 });
    });

    it('does not depend on the order of the layers in the array', () => {
      const budgets = [0, 600_000, 1_200_000, 1_700_000, 10_000_000];
      const ordered = [layer(0, 120_000), layer(1, 450_000), layer(2, 1_300_000)];
      const reversed = [...ordered].reverse();
      for (const budget of budgets) {
        for (const desired of [0, 1, 2]) {
          expect(allocate([item('a', desired, 0, reversed)], budget)).toEqual(allocate([item('a', desired, 0, ordered)], budget));
        }
      }
    });

    it('gives the lowest active layer above `desired` whatever the order of the layers', () => {
      // Only h and f are sent and the receiver wants q; the layers are listed largest first.
      // allocateLayers sorts its ladder by index, so it does not assume sorted input, but when no
      // active layer is <= desired it takes the first active layer in array order (f) instead of
      // the lowest (h).
      const layers = [layer(2), layer(1), layer(0, 0, false)];
      expect(allocate([item('a', 0, 0, layers)], 100_000_000)).toEqual({ a: 1 });
    });
  });

  it('does not modify the items or their layers', () => {
    const layers = [layer(2, 1_000_000), layer(0, 100_000), layer(1, 300_000)];
    const items = [item('b', 2, 0, layers), item('a', 1, 1, layers)];
    const snapshot = structuredClone(items);
    allocateLayers(items, 2_000_000);
    expect(items).toEqual(snapshot);
  });
});

describe('sourcePriority: a shared screen keeps its quality first', () => {
  it('ranks screen over a favoured camera over the rest', () => {
    expect(sourcePriority('screen', false)).toBeGreaterThan(sourcePriority('camera', true));
    expect(sourcePriority('camera', true)).toBeGreaterThan(sourcePriority('camera', false));
  });

  it('when only one video fits, the screen gets it, even against the dominant speaker', () => {
    // A single-layer screen (2 Mbit/s measured) and a pinned camera; room for the screen only.
    const screen = item('z-screen', 0, sourcePriority('screen', false), [layer(0, 2_000_000)]);
    const speaker = item('a-camera', 2, sourcePriority('camera', true), [
      layer(0, 150_000),
      layer(1, 500_000),
      layer(2, 1_500_000),
    ]);
    const result = allocate([speaker, screen], 2_100_000);
    expect(result['z-screen']).toBe(0);
    expect(result['a-camera']).toBe(PAUSED);
  });
});
