import { randomBytes } from 'node:crypto';
import type { RunningServer } from '@sotto/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLiveVideos, joinThroughUi, launchBrowser, newPage, waitFor } from '../support/browser.ts';
import type { Coturn } from '../support/coturn.ts';
import { startCoturn } from '../support/coturn.ts';
import { pathFacts } from '../support/media-paths.ts';
import { TestHost } from '../support/netns.ts';
import { startTestServer } from '../support/server.ts';

/**
 * A firewall that blocks UDP to the media port: the browser behind it reaches the SFU through
 * coturn, with the TURN credentials its join handed out, and the meeting works both ways.
 */
describe('a browser whose UDP to the media port is blocked joins through TURN', () => {
  const secret = randomBytes(24).toString('hex');
  let host: TestHost;
  let coturn: Coturn;
  let server: RunningServer;
  let blocked: Browser;
  let local: Browser;
  let origin: string;

  beforeAll(async () => {
    host = new TestHost();
    const port = 14_000 + Math.floor(Math.random() * 100) * 2;
    // Relayed from the server's own address, as on a server that runs coturn beside Sotto.
    coturn = await startCoturn(port, secret, { listeningIps: [host.hostAddress], relayIp: host.hostAddress });
    const mediaPort = port + 250;
    server = await startTestServer({
      mediaPort,
      host: '0.0.0.0',
      publicIp: host.hostAddress,
      turn: { urls: [`turn:${host.hostAddress}:${port}?transport=udp`], secret, ttlSeconds: 600 },
    });
    host.blockUdpPort(mediaPort);
    origin = `http://${host.hostAddress}:${server.port}`;
    blocked = await launchBrowser([`--unsafely-treat-insecure-origin-as-secure=${origin}`], host.chromiumPath);
    local = await launchBrowser();
  });
  afterAll(async () => {
    await blocked?.close();
    await local?.close();
    await server?.close();
    await coturn?.stop();
    host?.destroy();
  });

  it('both see each other; the blocked browser’s connections are relayed, the other’s go straight to the SFU', async () => {
    const { page: ana } = await newPage(local, server.url);
    await joinThroughUi(ana, `${server.url}/udp-blocked-room`, 'Ana');
    const { page: tom } = await newPage(blocked, origin);
    await joinThroughUi(tom, `${origin}/udp-blocked-room`, 'Tom');
    await expectLiveVideos(tom, 1, 30_000);
    await expectLiveVideos(ana, 1, 30_000);

    const tomPaths = await waitFor(
      'every connection of the blocked page has a selected pair',
      () => pathFacts(tom),
      (facts) => facts.length >= 2 && facts.every((f) => f.localType !== null),
      15_000,
    );
    for (const facts of tomPaths) expect(facts).toMatchObject({ state: 'connected', localType: 'relay', relayProtocol: 'udp' });
    // TURN is the fallback: a browser that can reach the media port still goes straight to the SFU.
    for (const facts of await pathFacts(ana)) expect(facts.localType).toBe('host');
  });

  it('the /doctor page there finds the media port blocked and the way through TURN', async () => {
    const { page } = await newPage(blocked, origin);
    await page.goto(`${origin}/doctor`);
    const row = (name: string) => page.locator(`tr[data-probe="${name}"]`);
    await expect.poll(() => row('Through TURN').getAttribute('data-status'), { timeout: 40_000 }).not.toBe('running');
    expect(await row('Direct to the server').getAttribute('data-status')).toBe('fail');
    expect(await row('Through TURN').getAttribute('data-status')).toBe('pass');
    expect(await row('Through TURN').locator('td').textContent()).toMatch(
      /^through TURN \(udp\) · round trip \d+ ms · loss \d+ %$/,
    );
    expect(await page.getByRole('status').textContent()).toBe(
      'Your network blocks the media port; meetings still work, through TURN.',
    );
  });
});
