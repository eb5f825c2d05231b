import { describe, expect, it } from 'vitest';
import { LayerDemand } from '../src/sfu/layer-demand.ts';

describe('LayerDemand', () => {
  it('keeps every layer on during the start-up grace, then suspends what nobody wants after the hold', () => {
    const demand = new LayerDemand(3, 5000, 10_000);
    expect(demand.update(-1, 0)).toBeNull();
    expect(demand.update(-1, 9_999)).toBeNull(); // the hold has run out, the grace has not
    expect(demand.update(-1, 10_000)).toEqual([true, false, false]);
  });

  it('turns a wanted layer on at once', () => {
    const demand = new LayerDemand(3, 5000, 0);
    demand.update(0, 0);
    expect(demand.update(0, 6000)).toEqual([true, false, false]);
    expect(demand.update(2, 6001)).toEqual([true, true, true]);
    expect(demand.update(2, 7000)).toBeNull();
  });

  it('does not flap: a short dip below the layer in use changes nothing', () => {
    const demand = new LayerDemand(3, 5000, 0);
    expect(demand.update(1, 0)).toBeNull();
    expect(demand.update(1, 4000)).toBeNull();
    expect(demand.update(2, 4500)).toBeNull(); // wanted again before the hold ran out
    expect(demand.update(1, 8000)).toBeNull(); // the hold restarts
    expect(demand.update(1, 13_001)).toEqual([true, true, false]);
  });

  it('always keeps the smallest layer on', () => {
    const demand = new LayerDemand(2, 0, 0);
    expect(demand.update(-1, 0)).toEqual([true, false]);
    expect(demand.update(-1, 1)).toBeNull();
  });
});
