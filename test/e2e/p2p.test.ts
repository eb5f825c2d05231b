import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectLiveVideos, joinThroughUi, newPage, waitFor } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';
import { pathFacts, pathShown } from '../support/media-paths.ts';

const e2eeStats = (page: Page) =>
  page.evaluate(() =>
    (
      window as unknown as { sottoConference: { e2eeStats(): Promise<{ decrypted: number } | null> } }
    ).sottoConference.e2eeStats(),
  );

const MEDIA_PORT = 33000 + Math.floor(Math.random() * 700);

describe('peer to peer for two (p2p = direct)', () => {
  const env = useServerAndBrowser({ p2p: 'direct', mediaPort: MEDIA_PORT });

  /** Waits until the page decodes video on a connection that is not to the server. */
  const decodingPeerToPeer = (page: Page) =>
    waitFor(
      'video decoding on a connection to the other browser',
      () => pathFacts(page),
      (facts) => facts.some((f) => f.state === 'connected' && f.remotePort !== MEDIA_PORT && f.framesDecoded > 10),
      20_000,
    );

  it('two go peer to peer; a third moves everyone to the server; two again go back to peer to peer', async () => {
    const url = `${env.server.url}/p2p-room`;
    const { page: ana } = await newPage(env.browser, env.server.url);
    await joinThroughUi(ana, url, 'Ana', { p2p: 'direct' });
    const { page: bo } = await newPage(env.browser, env.server.url);
    await joinThroughUi(bo, url, 'Bo', { p2p: 'direct' });
    for (const page of [ana, bo]) {
      await expect.poll(() => pathShown(page), { timeout: 20_000 }).toBe('p2p-direct');
      const facts = await decodingPeerToPeer(page);
      const p2p = facts.find((f) => f.remotePort !== MEDIA_PORT && f.state === 'connected');
      expect(p2p?.localType).toBe('host');
      expect(p2p?.remoteType).not.toBe('relay');
      await expect.poll(() => page.getByText(/Media now goes peer to peer/).count()).toBeGreaterThan(0);
      // Still end-to-end encrypted, with the same group keys: frames keep passing the worker.
      const before = await e2eeStats(page);
      await expect.poll(async () => (await e2eeStats(page))?.decrypted ?? 0).toBeGreaterThan((before?.decrypted ?? 0) + 50);
      expect(await page.locator('.e2ee-badge').getAttribute('data-e2ee')).toBe('on');
    }

    // Longer than the server's media-silence timeout (8.5 s): idle bridge connections must not
    // make it think either of them vanished, neither now nor when media comes back.
    await new Promise((r) => setTimeout(r, 10_000));
    for (const page of [ana, bo]) expect(await page.locator('.tile').count()).toBe(2);

    const { page: cy } = await newPage(env.browser, env.server.url);
    await joinThroughUi(cy, url, 'Cy', { p2p: 'direct' });
    for (const page of [ana, bo, cy]) {
      await expect.poll(() => pathShown(page), { timeout: 10_000 }).toBe('bridge');
      await expectLiveVideos(page, 2);
      // Every open connection now goes to the server's media port.
      await expect
        .poll(async () => (await pathFacts(page)).every((f) => f.remotePort === MEDIA_PORT || f.remotePort === null), {
          timeout: 10_000,
        })
        .toBe(true);
    }

    for (const page of [ana, bo, cy]) expect(await page.locator('.tile').count()).toBe(3);
    await cy.getByRole('button', { name: 'Leave' }).click();
    for (const page of [ana, bo]) {
      await expect.poll(() => pathShown(page), { timeout: 20_000 }).toBe('p2p-direct');
      await decodingPeerToPeer(page);
    }
  });

  it('choosing "always through the server" when starting the meeting keeps the pair on the bridge', async () => {
    const url = `${env.server.url}/p2p-declined`;
    const { page: ana } = await newPage(env.browser, env.server.url);
    await ana.goto(url);
    const choice = ana.getByRole('combobox', { name: /When only two of you/ });
    // No TURN on this server: off and direct only (relay would have nothing to relay through).
    await expect.poll(() => choice.locator('option').count()).toBe(2);
    // The least exposing choice is the default; peer to peer direct is only ever chosen.
    expect(await choice.inputValue()).toBe('off');
    await choice.selectOption('off');
    await ana.getByLabel('Your name').fill('Ana');
    await ana.getByRole('button', { name: 'Join', exact: true }).click();
    await ana.locator('[data-status="joined"]').waitFor();
    const { page: bo } = await newPage(env.browser, env.server.url);
    await joinThroughUi(bo, url, 'Bo');
    await expectLiveVideos(ana, 1);
    await new Promise((r) => setTimeout(r, 3000));
    for (const page of [ana, bo]) {
      expect(await pathShown(page)).toBe('bridge');
      expect((await pathFacts(page)).every((f) => f.remotePort === MEDIA_PORT || f.remotePort === null)).toBe(true);
    }
  });
});
