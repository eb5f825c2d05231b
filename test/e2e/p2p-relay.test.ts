import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import type { RunningServer } from '@sotto/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLiveVideos, joinThroughUi, launchBrowser, newPage, waitFor } from '../support/browser.ts';
import type { Coturn } from '../support/coturn.ts';
import { startCoturn } from '../support/coturn.ts';
import { pathFacts, pathShown } from '../support/media-paths.ts';
import { startTestServer } from '../support/server.ts';

/** This machine's own addresses other than loopback: what a browser's host candidates carry. */
const OWN_ADDRESSES = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a && !a.internal)
  .map((a) => a?.address as string);

describe('peer to peer via TURN (p2p = relay, our own coturn on loopback)', () => {
  const secret = randomBytes(24).toString('hex');
  let coturn: Coturn;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    coturn = await startCoturn(17_000 + Math.floor(Math.random() * 200) * 2, secret);
    server = await startTestServer({ p2p: 'relay', turn: { urls: [coturn.url], secret, ttlSeconds: 600 } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await coturn?.stop();
  });

  /** Records every frame the page receives on its signaling socket. */
  async function joinRecording(name: string, frames: string[]): Promise<Page> {
    const { page } = await newPage(browser, server.url);
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    await joinThroughUi(page, `${server.url}/relay-room`, name);
    return page;
  }

  it('media goes through the relay, and no browser ever receives another participant’s address', async () => {
    const frames: string[] = [];
    const ana = await joinRecording('Ana', frames);
    const bo = await joinRecording('Bo', frames);
    for (const page of [ana, bo]) {
      await expect.poll(() => pathShown(page), { timeout: 20_000 }).toBe('p2p-relay');
      const facts = await waitFor(
        'video decoding over the relay',
        () => pathFacts(page),
        (all) => all.some((f) => f.localType === 'relay' && f.framesDecoded > 10),
        20_000,
      );
      expect(facts.find((f) => f.localType === 'relay')?.remoteType).toBe('relay');
      // What the browser knows of its peer: relay candidates only, and an SDP without addresses.
      const remote = await page.evaluate(async () => {
        const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
        const p2p = pcs.find((pc) => pc.connectionState === 'connected' && pc.getConfiguration().iceTransportPolicy === 'relay');
        const types: string[] = [];
        (await p2p?.getStats())?.forEach((s) => {
          if (s.type === 'remote-candidate') types.push(s.candidateType);
        });
        return { sdp: p2p?.remoteDescription?.sdp ?? '', types };
      });
      expect(remote.types.length).toBeGreaterThan(0);
      expect(new Set(remote.types)).toEqual(new Set(['relay']));
      for (const address of OWN_ADDRESSES) expect(remote.sdp).not.toContain(address);
    }

    // Then a third person: everyone through the bridge, still no participant's address anywhere.
    const cy = await joinRecording('Cy', frames);
    for (const page of [ana, bo, cy]) {
      await expect.poll(() => pathShown(page), { timeout: 10_000 }).toBe('bridge');
      await expectLiveVideos(page, 2);
    }

    const signals = frames.filter((f) => f.includes('"p2p-signal"'));
    expect(signals.length).toBeGreaterThan(2);
    for (const frame of signals) expect(frame).not.toMatch(/typ (host|srflx|prflx)/);
    // The server's own offers and candidates carry the server's address (on this one machine the
    // same as the browsers'); everything else a browser receives comes from or about others.
    const aboutOthers = frames.filter((f) => !['offer', 'candidate'].includes(JSON.parse(f).type));
    expect(aboutOthers.length).toBeGreaterThan(10);
    for (const frame of aboutOthers) for (const address of OWN_ADDRESSES) expect(frame).not.toContain(address);
    // Every credential was the TURN REST API's (expiry:member-id, never a name), valid at most 10
    // minutes: the join's (for the bridge connections, the way in when UDP to the media port is
    // blocked) and the peer-to-peer session's.
    const messages = frames.map((f) => JSON.parse(f));
    const join = messages.find((m) => m.type === 'ok' && m.result?.self)?.result;
    const session = messages.find((m) => m.type === 'media-path' && m.path === 'p2p');
    for (const { username } of [join.iceServers[0], session.iceServers[0]]) {
      const [expiry, memberId] = username.split(':');
      expect(memberId).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Number(expiry) - Date.now() / 1000).toBeLessThanOrEqual(600);
    }
  });

  it('a server that says "direct" to someone who chose relay still gets relay candidates only from that page', async () => {
    const url = `${server.url}/relay-choice-wins`;
    const { page: ana } = await newPage(browser, server.url);
    const leaving: string[] = [];
    // The hostile server: every peer-to-peer session it announces to Ana is "direct".
    await ana.routeWebSocket(/\/ws$/, (ws) => {
      const upstream = ws.connectToServer();
      ws.onMessage((m) => {
        leaving.push(String(m));
        upstream.send(m);
      });
      upstream.onMessage((m) => {
        const message = JSON.parse(String(m));
        if (message.type === 'media-path' && message.path === 'p2p') message.mode = 'direct';
        ws.send(JSON.stringify(message));
      });
    });
    await joinThroughUi(ana, url, 'Ana', { p2p: 'relay' });
    const { page: bo } = await newPage(browser, server.url);
    await joinThroughUi(bo, url, 'Bo', { p2p: 'relay' });
    await expect.poll(() => pathShown(ana), { timeout: 20_000 }).toBe('p2p-relay');
    const policies = await ana.evaluate(() =>
      (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.map((pc) => pc.getConfiguration().iceTransportPolicy),
    );
    expect(policies).toContain('relay');
    const signals = leaving.filter((f) => f.includes('"p2p-signal"'));
    expect(signals.some((f) => f.includes('typ relay'))).toBe(true);
    for (const frame of signals) {
      expect(frame).not.toMatch(/typ (host|srflx|prflx)/);
      for (const address of OWN_ADDRESSES) expect(frame).not.toContain(address);
    }
    for (const page of [ana, bo]) await page.close();
  });
});
