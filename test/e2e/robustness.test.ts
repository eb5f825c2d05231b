import { CLOSE_CODES } from '@sotto/protocol';
import type { RunningServer } from '@sotto/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throwBadInput } from '../support/abuse.ts';
import { expectLiveVideos, joinThroughUi, launchBrowser, newPage } from '../support/browser.ts';
import { startTestServer } from '../support/server.ts';

describe('a live meeting survives bad input, killed tabs and crashed browsers', () => {
  let server: RunningServer;
  let browser: Browser;
  const room = 'robust-room';
  let ana: Page;
  let bo: Page;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    ana = (await newPage(browser, server.url)).page;
    await joinThroughUi(ana, `${server.url}/${room}`, 'Ana');
    bo = (await newPage(browser, server.url)).page;
    await joinThroughUi(bo, `${server.url}/${room}`, 'Bo');
    await expectLiveVideos(ana, 1);
    await expectLiveVideos(bo, 1);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('bad input thrown at the live server: the meeting keeps flowing and a newcomer can join', async () => {
    const closes = await throwBadInput(server.url, room);
    expect(closes).toEqual([CLOSE_CODES.policy, CLOSE_CODES.tooLarge, CLOSE_CODES.policy]);
    for (const page of [ana, bo]) {
      await expect.poll(() => page.locator('.tile').count(), { timeout: 5000 }).toBe(2);
      await expectLiveVideos(page, 1);
    }
    const { page: cy } = await newPage(browser, server.url);
    await joinThroughUi(cy, `${server.url}/${room}`, 'Cy');
    await expectLiveVideos(cy, 2);
    await expectLiveVideos(ana, 2);

    // A killed tab (no goodbye on the socket): the others' grids update once its media goes
    // silent (8.5 s) or its socket's resume grace (10 s) runs out, whichever comes first.
    await cy.close();
    for (const page of [ana, bo]) await expect.poll(() => page.locator('.tile').count(), { timeout: 15_000 }).toBe(2);
  });

  it('a crashed browser is removed and media keeps flowing for the rest', async () => {
    const other = await launchBrowser();
    const { page: dee } = await newPage(other, server.url);
    await joinThroughUi(dee, `${server.url}/${room}`, 'Dee');
    await expect.poll(() => ana.locator('.tile').count(), { timeout: 5000 }).toBe(3);
    await other.close();
    const start = Date.now();
    await expect.poll(() => ana.locator('.tile').count(), { timeout: 10_000 }).toBe(2);
    expect(Date.now() - start).toBeLessThan(10_000);
    await expectLiveVideos(bo, 1);
  });

  it('mic and camera toggles reach the others', async () => {
    await bo.getByRole('button', { name: 'Stop camera' }).click();
    const boTile = ana.locator('.tile:not([data-self])').first();
    await boTile.locator('.avatar').waitFor({ timeout: 5000 });
    await bo.getByRole('button', { name: 'Start camera' }).click();
    await boTile.locator('video').waitFor({ timeout: 5000 });
    await expectLiveVideos(ana, 1);

    await bo.getByRole('button', { name: 'Mute' }).click();
    await boTile.getByLabel('Microphone off').waitFor({ timeout: 5000 });
    await bo.getByRole('button', { name: 'Unmute' }).click();
    await expect.poll(() => boTile.getByLabel('Microphone off').count(), { timeout: 5000 }).toBe(0);
  });
});
