import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectLiveVideos, joinThroughUi, newPage, waitFor } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

/**
 * A proxy between the browser and an honest server plays the hostile server: it rewrites, drops
 * or invents signaling messages. Each test fails if the client-side protection is removed.
 */

type Rewrite = (message: Record<string, unknown>, send: (message: Record<string, unknown>) => void) => void;

/** Passes the page's socket through `rewrite` (server → page); page → server is recorded. */
async function hostileProxy(page: Page, rewrite: Rewrite, sent: string[] = []): Promise<string[]> {
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      sent.push(String(m));
      server.send(m);
    });
    server.onMessage((m) => rewrite(JSON.parse(String(m)), (out) => ws.send(JSON.stringify(out))));
  });
  return sent;
}

const e2eeStats = (page: Page) =>
  page.evaluate(() =>
    (
      window as unknown as {
        sottoConference: { e2eeStats(): Promise<{ encrypted: number; withheld: number } | null> };
      }
    ).sottoConference.e2eeStats(),
  );

const peerConnectionCount = (page: Page) =>
  page.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.length);

describe('a hostile server, through a proxy that rewrites what it says', () => {
  const env = useServerAndBrowser({ p2p: 'direct' });

  it('cannot downgrade: "unencrypted" is refused before any connection is made', async () => {
    const { page } = await newPage(env.browser, env.server.url);
    await hostileProxy(page, (message, send) => {
      const result = message.result as { self?: unknown; e2ee?: boolean } | undefined;
      if (message.type === 'ok' && result?.self) result.e2ee = false;
      send(message);
    });
    await page.goto(`${env.server.url}/downgrade-room`);
    await page.getByLabel('Your name').fill('Ana');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toMatch(/This server tried to start the meeting without encryption\. Nothing was sent/);
    expect(await peerConnectionCount(page)).toBe(0);
  });

  it('cannot move media peer to peer for someone who chose "always through the server"', async () => {
    const url = `${env.server.url}/stay-on-bridge`;
    const { page: ana } = await newPage(env.browser, env.server.url);
    const sent = await hostileProxy(ana, (message, send) => {
      send(message);
      // Whoever joins, the server tells Ana to go straight to them, direct.
      const member = message.member as { id: string } | undefined;
      if (message.type === 'member-joined' && member) {
        send({ type: 'media-path', path: 'p2p', session: 1, peer: member.id, mode: 'direct', offerer: true, iceServers: [] });
      }
    });
    await joinThroughUi(ana, url, 'Ana', { p2p: 'off' });
    const bridgeConnections = await peerConnectionCount(ana);
    const { page: bo } = await newPage(env.browser, env.server.url);
    await joinThroughUi(bo, url, 'Bo', { p2p: 'direct' });
    await expectLiveVideos(ana, 1);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await peerConnectionCount(ana)).toBe(bridgeConnections);
    expect(sent.filter((m) => m.includes('"p2p-signal"'))).toEqual([]);
    await bo.close();
  });

  it('cannot slip a member past one participant: the commit is refused, its media withheld, and it says so', async () => {
    const url = `${env.server.url}/hidden-member`;
    const { page: ana } = await newPage(env.browser, env.server.url);
    await joinThroughUi(ana, url, 'Ana');
    const { page: bo } = await newPage(env.browser, env.server.url);
    // Bo is never told that Cy joined, but the group will hold Cy.
    await hostileProxy(bo, (message, send) => {
      const member = message.member as { name?: string } | undefined;
      if (message.type === 'member-joined' && member?.name === 'Cy') return;
      send(message);
    });
    await joinThroughUi(bo, url, 'Bo');
    await expect.poll(() => bo.locator('.e2ee-badge').getAttribute('data-e2ee'), { timeout: 15_000 }).toBe('on');
    await expectLiveVideos(ana, 1);

    const { page: cy } = await newPage(env.browser, env.server.url);
    await joinThroughUi(cy, url, 'Cy');
    await expect.poll(() => bo.locator('.e2ee-badge').getAttribute('data-e2ee'), { timeout: 15_000 }).toBe('failed');
    // Nothing of Bo's goes out any more: frames are withheld, not encrypted to the group.
    const before = await waitFor(
      'Bo withholding frames',
      () => e2eeStats(bo),
      (s) => (s?.withheld ?? 0) > 0,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const after = await e2eeStats(bo);
    expect(after?.encrypted).toBe(before?.encrypted);
    expect(after?.withheld).toBeGreaterThan((before?.withheld ?? 0) + 10);
    // The badge has no lock, and the panel says what happened in plain words.
    expect(await bo.locator('.e2ee-badge').textContent()).not.toContain('🔒');
    await bo.locator('.e2ee-badge').click();
    await expect
      .poll(() => bo.locator('.e2ee-explanation').textContent())
      .toMatch(/the commit adds .*, who is not in the meeting.*not being sent/);
    await bo.locator('.path-badge').click();
    expect(await bo.locator('section[aria-label="Media path"]').textContent()).not.toContain(
      'only the participants can see and hear it',
    );
    for (const page of [ana, bo, cy]) await page.close();
  });
});
