import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectLiveVideos, joinThroughUi, newPage, secondsToNextFrames } from '../support/browser.ts';
import { useBrowserBehindALink } from '../support/link-fixture.ts';

const FAKE_CAMERA_15_FPS = '--use-fake-device-for-media-stream=fps=15';
const DROP_SECONDS = 5;
const UDP_DROP_SECONDS = 12;

/** Whether the page's conference ever said a participant left (installed before the drop). */
function watchForLeaves(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { sottoConference: { on(e: string, f: () => void): void }; sawLeave?: boolean };
    w.sawLeave = false;
    w.sottoConference.on('participant-left', () => {
      w.sawLeave = true;
    });
  });
}

/**
 * One participant's network goes away for 5 s — every packet, TCP and UDP, both ways (a browser
 * in a network namespace; nftables drops everything). The server's heartbeat may close the
 * signaling socket meanwhile; the page must resume the same membership without a reload, nobody
 * sees a leave, and video flows again both ways.
 */
describe('a participant whose network drops', () => {
  const link = useBrowserBehindALink([FAKE_CAMERA_15_FPS], [FAKE_CAMERA_15_FPS]);

  it('stays in the meeting, and video flows again both ways', async () => {
    const { host, server, local, remote, origin } = link();
    const { page: away } = await newPage(remote, origin);
    await joinThroughUi(away, `${origin}/drop-room`, 'Away');
    const { page: staying } = await newPage(local, server.url);
    await joinThroughUi(staying, `${server.url}/drop-room`, 'Staying');
    for (const page of [away, staying]) await expectLiveVideos(page, 1, 20_000);
    // A marker that a reload would wipe, and the states the conference went through.
    await away.evaluate(() => {
      const w = window as unknown as {
        notReloaded: boolean;
        states: string[];
        sottoConference: { on(e: string, f: (s: string) => void): void };
      };
      w.notReloaded = true;
      w.states = [];
      w.sottoConference.on('state', (state) => w.states.push(state));
    });
    await watchForLeaves(staying);

    host.setLoss(100, 'all');
    await new Promise((r) => setTimeout(r, DROP_SECONDS * 1000));
    host.setLoss(0);
    const restoredAt = Date.now();

    const [awaySeconds, stayingSeconds] = await Promise.all([
      secondsToNextFrames(away, restoredAt),
      secondsToNextFrames(staying, restoredAt),
    ]);
    const states = await away.evaluate(() => (window as unknown as { states: string[] }).states);
    console.log(
      `network dropped for ${DROP_SECONDS} s: first frames ${awaySeconds.toFixed(2)} s (at the dropped side) and ${stayingSeconds.toFixed(2)} s (at the other) after it came back; the dropped side's states: ${states.join(' → ') || 'joined throughout'}`,
    );
    await expect.poll(() => away.locator('[data-status]').getAttribute('data-status'), { timeout: 15_000 }).toBe('joined');
    expect(await away.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await staying.evaluate(() => (window as unknown as { sawLeave: boolean }).sawLeave)).toBe(false);
    for (const page of [away, staying]) {
      await expectLiveVideos(page, 1);
      expect(await page.locator('.tile').count()).toBe(2);
    }
    for (const page of [away, staying]) await page.context().close();
  });

  /**
   * Only UDP is dropped, for longer than the server waits for a silent media connection (8.5 s):
   * signaling (TCP) stays up, the media connections die. The server replaces them (a media
   * restart) and the page makes new ones, within the same membership.
   */
  it(`loses only its media for ${UDP_DROP_SECONDS} s: the media restarts, and nobody sees a leave`, async () => {
    const { host, server, local, remote, origin } = link();
    const { page: away } = await newPage(remote, origin);
    await joinThroughUi(away, `${origin}/udp-drop-room`, 'Away');
    const { page: staying } = await newPage(local, server.url);
    await joinThroughUi(staying, `${server.url}/udp-drop-room`, 'Staying');
    for (const page of [away, staying]) await expectLiveVideos(page, 1, 20_000);
    await away.evaluate(() => {
      const w = window as unknown as { firstBridge: unknown; sottoConference: { peerConnections: unknown[] } };
      w.firstBridge = w.sottoConference.peerConnections[0];
    });
    await watchForLeaves(staying);

    host.setLoss(100, 'udp');
    await new Promise((r) => setTimeout(r, UDP_DROP_SECONDS * 1000));
    host.setLoss(0);
    const restoredAt = Date.now();

    const [awaySeconds, stayingSeconds] = await Promise.all([
      secondsToNextFrames(away, restoredAt),
      secondsToNextFrames(staying, restoredAt),
    ]);
    console.log(
      `media (UDP) dropped for ${UDP_DROP_SECONDS} s: first frames ${awaySeconds.toFixed(2)} s (at the dropped side) and ${stayingSeconds.toFixed(2)} s (at the other) after it came back`,
    );
    // New connections, not the old ones coming back: the server restarted the media.
    const restarted = await away.evaluate(() => {
      const w = window as unknown as { firstBridge: unknown; sottoConference: { peerConnections: unknown[] } };
      return w.sottoConference.peerConnections[0] !== w.firstBridge;
    });
    expect(restarted).toBe(true);
    expect(await away.locator('[data-status]').getAttribute('data-status')).toBe('joined');
    expect(await staying.evaluate(() => (window as unknown as { sawLeave: boolean }).sawLeave)).toBe(false);
    for (const page of [away, staying]) {
      await expectLiveVideos(page, 1);
      expect(await page.locator('.tile').count()).toBe(2);
    }
    for (const page of [away, staying]) await page.context().close();
  });
});
