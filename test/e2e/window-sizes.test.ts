import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { Bot } from '../../bench/bot/bot.ts';
import { joinThroughUi, newPage } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1600, height: 900 },
  { width: 480, height: 320 },
  { width: 390, height: 844 },
];

type Box = { x: number; y: number; width: number; height: number };

async function boxes(page: Page, selector: string): Promise<Box[]> {
  const all = await page.locator(selector).all();
  return (await Promise.all(all.map((l) => l.boundingBox()))).filter((b): b is Box => b !== null);
}

/** The tiles' boxes once the layout has settled on the new window size. */
async function settledTiles(page: Page, count: number): Promise<Box[]> {
  let last = '';
  for (let i = 0; i < 50; i++) {
    const tiles = await boxes(page, '.tile');
    const key = JSON.stringify(tiles);
    if (tiles.length === count && key === last) return tiles;
    last = key;
    await page.waitForTimeout(100);
  }
  throw new Error(`the layout did not settle on ${count} tiles`);
}

/**
 * Four people (a browser and three engine-level participants) at the window sizes people use:
 * every tile inside the window between header and toolbar, 2×2 for four in 16:9, and every
 * control in reach (Leave included, on a phone too).
 */
describe('the meeting fits every window', () => {
  const env = useServerAndBrowser();

  it('at 1280x720, 1600x900, 480x320 and 390x844: tiles in view, controls reachable', async () => {
    const { page } = await newPage(env.browser, env.server.url, SIZES[0]);
    await joinThroughUi(page, `${env.server.url}/sizes-room`, 'Ana');
    for (const name of ['Bo', 'Cy', 'Di']) {
      const bot = await Bot.join({
        serverUrl: env.server.url,
        room: 'sizes-room',
        name,
        videoBitrate: 100_000,
        fps: 10,
        e2ee: true,
      });
      env.bots.push(bot);
    }
    for (const size of SIZES) {
      await page.setViewportSize(size);
      const tiles = await settledTiles(page, 4);
      const header = (await page.locator('header.meeting-bar').boundingBox()) as Box;
      const toolbar = (await page.locator('footer.toolbar').boundingBox()) as Box;
      const label = `${size.width}x${size.height}`;
      expect(header.y, label).toBeGreaterThanOrEqual(0);
      expect(toolbar.y + toolbar.height, label).toBeLessThanOrEqual(size.height + 0.5);
      for (const tile of tiles) {
        expect(tile.x, label).toBeGreaterThanOrEqual(0);
        expect(tile.x + tile.width, label).toBeLessThanOrEqual(size.width + 0.5);
        expect(tile.y, label).toBeGreaterThanOrEqual(header.y + header.height - 0.5);
        expect(tile.y + tile.height, label).toBeLessThanOrEqual(toolbar.y + 0.5);
        expect(tile.width, label).toBeGreaterThan(40);
      }
      for (const control of await page.locator('header.meeting-bar button, footer.toolbar button').all()) {
        const box = (await control.boundingBox()) as Box;
        expect(
          box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width + 0.5 && box.y + box.height <= size.height + 0.5,
          label,
        ).toBe(true);
      }
      // Reachable means clickable: nothing covers it.
      await page.getByRole('button', { name: 'Leave' }).click({ trial: true });
      const columns = new Set(tiles.map((t) => Math.round(t.x))).size;
      const rows = new Set(tiles.map((t) => Math.round(t.y))).size;
      console.log(
        `${label}: ${columns}x${rows} tiles of ${Math.round(tiles[0]?.width ?? 0)}x${Math.round(tiles[0]?.height ?? 0)}`,
      );
      if (size.width === 1600) expect([columns, rows]).toEqual([2, 2]);
    }

    // Speaker view: one large tile, the others in a filmstrip; self view off removes ours.
    await page.setViewportSize(SIZES[0] ?? { width: 1280, height: 720 });
    await page.getByRole('button', { name: 'Speaker view' }).click();
    const speaker = await settledTiles(page, 4);
    const areas = speaker.map((b) => b.width * b.height).sort((a, b) => b - a);
    expect(areas[0]).toBeGreaterThan(4 * (areas[1] ?? 0));
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitemcheckbox', { name: 'Hide self view' }).click();
    await settledTiles(page, 3);
    expect(await page.locator('.tile[data-self]').count()).toBe(0);
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Full screen' }).click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
  });
});
