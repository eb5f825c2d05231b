import type { RunningServer } from '@sotto/server';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLiveVideos, joinThroughUi, launchBrowser, newPage, secondsToNextFrames } from '../support/browser.ts';
import { startTestServer } from '../support/server.ts';

describe('meetings survive network blips and server restarts', () => {
  let browser: Browser;
  let server: RunningServer;
  const port = 36_000 + Math.floor(Math.random() * 2000);

  beforeAll(async () => {
    browser = await launchBrowser(['--use-fake-device-for-media-stream=fps=15']);
    server = await startTestServer({ port });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a cut signaling socket resumes the same membership without a reload; nobody sees a leave', async () => {
    const url = `${server.url}/blip-room`;
    const { page: ana } = await newPage(browser, server.url);
    // A proxy between Ana's page and the server, which the test can cut (like a proxy restart).
    const routes: Array<{ page: WebSocketRoute; server: WebSocketRoute }> = [];
    await ana.routeWebSocket(/\/ws$/, (ws) => {
      const upstream = ws.connectToServer();
      routes.push({ page: ws, server: upstream });
    });
    await joinThroughUi(ana, url, 'Ana');
    const { page: bo } = await newPage(browser, server.url);
    await joinThroughUi(bo, url, 'Bo');
    await expectLiveVideos(ana, 1);
    await expectLiveVideos(bo, 1);
    const boSawLeave = bo.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const c = (window as unknown as { sottoConference: { on(e: string, f: () => void): void } }).sottoConference;
          c.on('participant-left', () => resolve(true));
          setTimeout(() => resolve(false), 8000);
        }),
    );

    const cutAt = Date.now();
    const route = routes.at(-1) as { page: WebSocketRoute; server: WebSocketRoute };
    await route.server.close({ code: 4000, reason: 'proxy restart' });
    await route.page.close({ code: 4000, reason: 'proxy restart' });
    await expect.poll(() => ana.locator('[data-status]').getAttribute('data-status'), { timeout: 5000 }).toBe('joined');
    const resumedAfter = (Date.now() - cutAt) / 1000;
    expect(resumedAfter).toBeLessThan(3);
    expect(routes.length).toBe(2); // a second socket, same page: no reload
    const seconds = await secondsToNextFrames(bo, cutAt);
    console.log(
      `socket cut: resumed after ${resumedAfter.toFixed(2)} s; video at the other side ${seconds.toFixed(2)} s after the cut`,
    );
    expect(await boSawLeave).toBe(false);
    expect(await ana.locator('.tile').count()).toBe(2);
    await expectLiveVideos(ana, 1);
    for (const page of [ana, bo]) await page.close();
  });

  it('after a server restart, everyone rejoins the same room by themselves and video flows again', async () => {
    const url = `${server.url}/restart-room`;
    const pages: Page[] = [];
    for (const name of ['Ana', 'Bo']) {
      const { page } = await newPage(browser, server.url);
      await joinThroughUi(page, url, name);
      pages.push(page);
    }
    for (const page of pages) await expectLiveVideos(page, 1);

    const stoppedAt = Date.now();
    await server.close();
    // A new process on the same address (the media port may differ: clients get it anew).
    server = await startTestServer({ port });
    const restartedAt = Date.now();
    for (const page of pages) {
      await expect.poll(() => page.locator('[data-status]').getAttribute('data-status'), { timeout: 30_000 }).toBe('joined');
    }
    const seconds = await Promise.all(pages.map((page) => secondsToNextFrames(page, restartedAt)));
    console.log(
      `server restart: down ${((restartedAt - stoppedAt) / 1000).toFixed(2)} s; first frames ${seconds.map((s) => s.toFixed(2)).join(' s, ')} s after it was back`,
    );
    for (const page of pages) {
      await expectLiveVideos(page, 1);
      expect(await page.locator('.tile').count()).toBe(2);
    }
    for (const page of pages) await page.close();
  });
});
