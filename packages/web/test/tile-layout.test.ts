import { describe, expect, it } from 'vitest';
import { coverLoss, fitGrid } from '../src/tile-layout.ts';

describe('fitGrid', () => {
  it('puts four in a 16:9 window as 2×2', () => {
    expect(fitGrid(4, 1600, 800, 8)).toMatchObject({ columns: 2, rows: 2 });
    expect(fitGrid(4, 1280, 600, 8)).toMatchObject({ columns: 2, rows: 2 });
  });

  it('stacks in a tall phone and lines up in a wide strip', () => {
    expect(fitGrid(4, 380, 700, 8)).toMatchObject({ columns: 1, rows: 4 });
    expect(fitGrid(3, 1800, 300, 8)).toMatchObject({ columns: 3, rows: 1 });
  });

  it('never leaves a tile outside the box, whatever the count and size', () => {
    for (const [w, h] of [
      [1280, 620],
      [1600, 800],
      [480, 200],
      [390, 640],
      [200, 120],
    ] as const) {
      for (let n = 1; n <= 12; n++) {
        const fit = fitGrid(n, w, h, 8);
        expect(fit.columns * fit.rows).toBeGreaterThanOrEqual(n);
        expect(fit.columns * fit.tileWidth + (fit.columns - 1) * 8).toBeLessThanOrEqual(w);
        expect(fit.rows * fit.tileHeight + (fit.rows - 1) * 8).toBeLessThanOrEqual(h);
        expect(fit.tileWidth).toBeGreaterThan(0);
      }
    }
  });

  it('picks the largest tiles: no other column count does better', () => {
    const fit = fitGrid(5, 1000, 700, 8);
    for (let columns = 1; columns <= 5; columns++) {
      const rows = Math.ceil(5 / columns);
      const width = Math.min((1000 - 8 * (columns - 1)) / columns, ((700 - 8 * (rows - 1)) / rows) * (16 / 9));
      expect(Math.floor(width)).toBeLessThanOrEqual(fit.tileWidth);
    }
  });
});

describe('coverLoss', () => {
  it('is nothing for a matching box and a lot for a portrait video in a landscape box', () => {
    expect(coverLoss(1280, 720, 320, 180)).toBeCloseTo(0);
    expect(coverLoss(720, 1280, 320, 180)).toBeGreaterThan(0.6);
    expect(coverLoss(640, 480, 320, 180)).toBeCloseTo(0.25);
  });
});
