import { describe, expect, it } from 'vitest';
import type { LayerInfo } from '../src/sfu/layer-choice.ts';
import { chooseLayer, demandedLayer } from '../src/sfu/layer-choice.ts';
import { PAUSED } from '../src/sfu/slot.ts';

function layer(index: number, width: number, height: number, active = true): LayerInfo {
  return { index, width, height, active };
}

/** A typical three-layer simulcast publisher (q, h, f), all being sent. */
const SIMULCAST: LayerInfo[] = [layer(0, 320, 180), layer(1, 640, 360), layer(2, 1280, 720)];

describe('chooseLayer', () => {
  it('PAUSED is -1, distinct from every layer index', () => {
    expect(PAUSED).toBe(-1);
  });

  describe('not rendered', () => {
    it.each([
      [0, 0],
      [0, 360],
      [640, 0],
      [-1, 360],
      [640, -5],
    ])('pauses for a %dx%d render', (width, height) => {
      expect(chooseLayer(SIMULCAST, { width, height })).toBe(PAUSED);
    });

    it('pauses even when the publisher has a single layer', () => {
      expect(chooseLayer([layer(0, 640, 480)], { width: 0, height: 0 })).toBe(PAUSED);
    });
  });

  it('pauses when there are no layers at all', () => {
    expect(chooseLayer([], { width: 640, height: 360 })).toBe(PAUSED);
    expect(chooseLayer([], undefined)).toBe(PAUSED);
  });

  it('picks the smallest layer when nothing is known about the receiver', () => {
    expect(chooseLayer(SIMULCAST, undefined)).toBe(0);
    expect(chooseLayer([layer(0, 1280, 720), layer(1, 320, 180), layer(2, 640, 360)], undefined)).toBe(1);
  });

  describe('covering layer', () => {
    it.each([
      // [render width, render height, expected layer]
      [100, 56, 0],
      [320, 180, 0],
      // 320 >= 376 * 0.85 = 319.6 and 180 >= 211 * 0.85 = 179.35: small enough to scale up.
      [376, 211, 0],
      // 320 < 377 * 0.85 = 320.45: needs the next layer.
      [377, 180, 1],
      // 180 < 212 * 0.85 = 180.2.
      [320, 212, 1],
      [640, 360, 1],
      [752, 423, 1],
      [753, 360, 2],
      [640, 424, 2],
      [1280, 720, 2],
    ])('for a %dx%d tile chooses layer %d', (width, height, expected) => {
      expect(chooseLayer(SIMULCAST, { width, height })).toBe(expected);
    });

    it('needs both dimensions covered (object-fit: cover crops the other one)', () => {
      // A wide, short tile: the height alone would be served by q, the width needs f.
      expect(chooseLayer(SIMULCAST, { width: 1000, height: 200 })).toBe(2);
      // A tall, narrow tile: the width alone would be served by q, the height needs h.
      expect(chooseLayer(SIMULCAST, { width: 200, height: 400 })).toBe(1);
      expect(chooseLayer(SIMULCAST, { width: 200, height: 500 })).toBe(2);
    });

    it('chooses the largest layer when none covers the tile', () => {
      expect(chooseLayer(SIMULCAST, { width: 3840, height: 2160 })).toBe(2);
      expect(chooseLayer(SIMULCAST, { width: 100, height: 5000 })).toBe(2);
    });

    it('does not depend on the order of the layers in the array', () => {
      const shuffled = [SIMULCAST[2], SIMULCAST[0], SIMULCAST[1]] as LayerInfo[];
      const reversed = [...SIMULCAST].reverse();
      for (const rendered of [
        undefined,
        { width: 320, height: 180 },
        { width: 640, height: 360 },
        { width: 1920, height: 1080 },
      ]) {
        const expected = chooseLayer(SIMULCAST, rendered);
        expect(chooseLayer(shuffled, rendered)).toBe(expected);
        expect(chooseLayer(reversed, rendered)).toBe(expected);
      }
      expect(chooseLayer(shuffled, { width: 640, height: 360 })).toBe(1);
      expect(chooseLayer(reversed, { width: 1920, height: 1080 })).toBe(2);
    });

    it('orders layers by size, not by index', () => {
      // Odd but possible: the publisher lists its largest encoding first.
      const layers = [layer(0, 1280, 720), layer(1, 640, 360), layer(2, 320, 180)];
      expect(chooseLayer(layers, { width: 300, height: 170 })).toBe(2);
      expect(chooseLayer(layers, { width: 600, height: 340 })).toBe(1);
      expect(chooseLayer(layers, { width: 1920, height: 1080 })).toBe(0);
    });

    it('serves a single-layer publisher whatever the tile size', () => {
      const only = [layer(0, 640, 480)];
      expect(chooseLayer(only, { width: 100, height: 100 })).toBe(0);
      expect(chooseLayer(only, { width: 4000, height: 3000 })).toBe(0);
      expect(chooseLayer(only, undefined)).toBe(0);
    });
  });

  describe('active layers', () => {
    it('skips an inactive covering layer for the next larger active one', () => {
      const layers = [layer(0, 320, 180), layer(1, 640, 360, false), layer(2, 1280, 720)];
      expect(chooseLayer(layers, { width: 640, height: 360 })).toBe(2);
    });

    it('falls back to the largest active layer when the covering one is off', () => {
      // Chrome turned the full layer off under load: the tile gets h, not nothing and not f.
      const layers = [layer(0, 320, 180), layer(1, 640, 360), layer(2, 1280, 720, false)];
      expect(chooseLayer(layers, { width: 1280, height: 720 })).toBe(1);
    });

    it('picks the smallest active layer for an unknown receiver', () => {
      const layers = [layer(0, 320, 180, false), layer(1, 640, 360), layer(2, 1280, 720)];
      expect(chooseLayer(layers, undefined)).toBe(1);
      expect(chooseLayer(layers, { width: 100, height: 50 })).toBe(1);
    });

    it('uses the only active layer even if it is far too small', () => {
      const layers = [layer(0, 320, 180), layer(1, 640, 360, false), layer(2, 1280, 720, false)];
      expect(chooseLayer(layers, { width: 1920, height: 1080 })).toBe(0);
    });

    it('considers every layer when none is active', () => {
      const layers = SIMULCAST.map((l) => ({ ...l, active: false }));
      expect(chooseLayer(layers, { width: 640, height: 360 })).toBe(1);
      expect(chooseLayer(layers, undefined)).toBe(0);
      expect(chooseLayer(layers, { width: 1920, height: 1080 })).toBe(2);
    });
  });

  describe('layers of unknown size (0x0, no key frame yet)', () => {
    it('treats them as smaller than every known layer', () => {
      const layers = [layer(0, 320, 180), layer(1, 640, 360), layer(2, 0, 0)];
      expect(chooseLayer(layers, undefined)).toBe(2);
      // An unknown layer never covers a tile, so the known ones decide.
      expect(chooseLayer(layers, { width: 100, height: 50 })).toBe(0);
      expect(chooseLayer(layers, { width: 640, height: 360 })).toBe(1);
      // None covers: the largest known layer, not the unknown one.
      expect(chooseLayer(layers, { width: 1920, height: 1080 })).toBe(1);
    });

    it('orders unknown layers among themselves by index', () => {
      const layers = [layer(2, 0, 0), layer(1, 0, 0), layer(0, 0, 0)];
      expect(chooseLayer(layers, undefined)).toBe(0);
      expect(chooseLayer(layers, { width: 640, height: 360 })).toBe(2);
    });
  });

  it('breaks ties between equal-area layers by index', () => {
    const layers = [layer(1, 640, 360), layer(0, 640, 360)];
    expect(chooseLayer(layers, undefined)).toBe(0);
    expect(chooseLayer(layers, { width: 640, height: 360 })).toBe(0);
  });
});

describe('demandedLayer', () => {
  it('asks for the smallest layer that covers the rendered size', () => {
    expect(demandedLayer(SIMULCAST, { width: 300, height: 170 })).toBe(0);
    expect(demandedLayer(SIMULCAST, { width: 600, height: 340 })).toBe(1);
    expect(demandedLayer(SIMULCAST, { width: 1200, height: 700 })).toBe(2);
  });

  it('nothing rendered or no layers: PAUSED; rendered size not reported yet: the smallest', () => {
    expect(demandedLayer(SIMULCAST, { width: 0, height: 0 })).toBe(PAUSED);
    expect(demandedLayer([], { width: 640, height: 360 })).toBe(PAUSED);
    expect(demandedLayer(SIMULCAST, undefined)).toBe(0);
  });

  it('asks for a top layer not seen yet when no seen layer covers (else it would never start)', () => {
    const topUnseen = [layer(0, 320, 180), layer(1, 640, 360), layer(2, 0, 0, false)];
    expect(demandedLayer(topUnseen, { width: 1500, height: 850 })).toBe(2);
    // chooseLayer, which serves what is being sent, still picks the largest seen.
    expect(chooseLayer(topUnseen, { width: 1500, height: 850 })).toBe(1);
  });

  it('does not ask for an unseen top layer when a seen one covers', () => {
    const topUnseen = [layer(0, 320, 180), layer(1, 640, 360), layer(2, 0, 0)];
    expect(demandedLayer(topUnseen, { width: 600, height: 340 })).toBe(1);
  });

  it('ignores whether layers are active: demand is about what would be wanted if all were sent', () => {
    const suspended = [layer(0, 320, 180), layer(1, 640, 360, false), layer(2, 1280, 720, false)];
    expect(demandedLayer(suspended, { width: 1200, height: 700 })).toBe(2);
  });
});
