import type { RunningServer } from '@sotto/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLiveVideos, joinThroughUi, launchBrowser, newPage } from '../support/browser.ts';
import { startTestServer } from '../support/server.ts';

interface ConnectionFacts {
  transceivers: Array<{ mid: string | null; kind: string; direction: string }>;
  remotePort: number | null;
  dtlsState: string | null;
  srtpCipher: string | null;
}

async function connectionFacts(page: Page): Promise<ConnectionFacts[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed');
    return Promise.all(
      pcs.map(async (pc) => {
        const stats = await pc.getStats();
        let remotePort: number | null = null;
        let dtlsState: string | null = null;
        let srtpCipher: string | null = null;
        stats.forEach((s) => {
          if (s.type === 'transport') {
            dtlsState = s.dtlsState;
            srtpCipher = s.srtpCipher ?? null;
            const pair = stats.get(s.selectedCandidatePairId);
            const remote = pair && stats.get(pair.remoteCandidateId);
            // The server's replies come from the interface address, so Chrome may see the
            // server as peer-reflexive (address redacted); the port identifies it.
            if (remote) remotePort = remote.port;
          }
        });
        return {
          transceivers: pc
            .getTransceivers()
            .map((t) => ({ mid: t.mid, kind: t.receiver.track.kind, direction: t.currentDirection ?? '' })),
          remotePort,
          dtlsState,
          srtpCipher,
        };
      }),
    );
  });
}

describe('peer connection layout (DESIGN.md): proven with real browsers', () => {
  let server: RunningServer;
  let browser: Browser;
  let mediaPort: number;

  beforeAll(async () => {
    mediaPort = 32000 + Math.floor(Math.random() * 700);
    server = await startTestServer({ mediaPort });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('one publish-only connection with one m-line for the camera, one server-offered connection for audio and everything received; all on the one UDP port, DTLS-SRTP, no mesh', async () => {
    const pages: Page[] = [];
    for (const name of ['Ana', 'Bo', 'Cy']) {
      const { page } = await newPage(browser, server.url);
      await joinThroughUi(page, `${server.url}/layout-room`, name);
      pages.push(page);
    }
    for (const page of pages) await expectLiveVideos(page, 2);
    for (const page of pages) {
      const facts = await connectionFacts(page);
      // Exactly two connections per browser, whatever the meeting size: never a mesh.
      expect(facts).toHaveLength(2);
      const publish = facts.find((f) => f.transceivers.length === 1);
      const receive = facts.find((f) => f.transceivers.length > 1);
      expect(publish?.transceivers).toEqual([{ mid: '0', kind: 'video', direction: 'sendonly' }]);
      expect(receive?.transceivers[0]).toEqual({ mid: '0', kind: 'audio', direction: 'sendonly' });
      const received = receive?.transceivers.slice(1) ?? [];
      expect(received.filter((t) => t.kind === 'video' && t.direction === 'recvonly')).toHaveLength(2);
      expect(received.filter((t) => t.kind === 'audio' && t.direction === 'recvonly')).toHaveLength(2);
      for (const f of facts) {
        // Every connection goes to the server's one media port, encrypted with DTLS-SRTP.
        expect(f.remotePort).toBe(mediaPort);
        expect(f.dtlsState).toBe('connected');
        expect(f.srtpCipher).toMatch(/AES|AEAD/i);
      }
    }
  });
});
