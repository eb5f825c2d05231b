import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { joinThroughUi, newPage, waitFor } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';
import { sumInboundStat } from '../support/inbound-stat.ts';
import { pathShown } from '../support/media-paths.ts';

interface Shown {
  width: number;
  height: number;
  framesDecoded: number;
}

/** Decoded frames and frame size of the video shown in a tile of `source` (from the receiver's stats). */
function shown(page: Page, source: 'camera' | 'screen'): Promise<Shown | null> {
  return page.evaluate(async (source) => {
    const video = document.querySelector<HTMLVideoElement>(`.tile[data-source="${source}"]:not([data-self]) video`);
    const track = (video?.srcObject as MediaStream | null)?.getVideoTracks()[0];
    if (!track) return null;
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed');
    for (const pc of pcs) {
      const receiver = pc.getReceivers().find((r) => r.track === track);
      if (!receiver) continue;
      let result: Shown | null = null;
      (await receiver.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp')
          result = { width: s.frameWidth ?? 0, height: s.frameHeight ?? 0, framesDecoded: s.framesDecoded ?? 0 };
      });
      return result;
    }
    return null;
  }, source);
}

/** Both the screen and the camera decode, and the screen at a larger size. */
async function screenLargerThanCamera(page: Page): Promise<{ screen: Shown; camera: Shown }> {
  return waitFor(
    'the shared screen decoding at a larger size than the camera',
    async () => ({ screen: await shown(page, 'screen'), camera: await shown(page, 'camera') }),
    (v): v is { screen: Shown; camera: Shown } =>
      !!v.screen && !!v.camera && v.screen.framesDecoded > 10 && v.camera.framesDecoded > 10 && v.screen.width > v.camera.width,
    20_000,
  ) as Promise<{ screen: Shown; camera: Shown }>;
}

/** Audio energy decoded so far from the other participant (inbound-rtp totalAudioEnergy). */
const audioEnergy = (page: Page) => page.evaluate(sumInboundStat, { kind: 'audio', field: 'totalAudioEnergy' });

/** How much audio energy the page decodes over `ms`. */
async function energyOver(page: Page, ms: number): Promise<number> {
  const before = await audioEnergy(page);
  await page.waitForTimeout(ms);
  return (await audioEnergy(page)) - before;
}

async function share(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Share screen' }).click();
  await page.getByRole('button', { name: 'Stop sharing' }).waitFor();
}

/**
 * Chromium's fake screen source, shared through the UI: the other participant decodes it (under
 * E2EE: every frame passed the decrypting transform), shown large, at a larger size than the
 * camera; stopping removes it. Through the SFU, then peer to peer.
 */
describe('screen sharing', () => {
  const env = useServerAndBrowser({ p2p: 'direct' });

  it('through the SFU: shown large to the other, decoded at a larger size than the camera, end-to-end encrypted, with its sound', async () => {
    const url = `${env.server.url}/screen-room`;
    const { page: ana } = await newPage(env.browser, env.server.url);
    await joinThroughUi(ana, url, 'Ana');
    const { page: bo } = await newPage(env.browser, env.server.url);
    await joinThroughUi(bo, url, 'Bo');
    // Ana's microphone is off: Bo hears nothing from her, until her screen brings its own sound.
    await ana.locator('body').press('m');
    await ana.getByRole('button', { name: 'Unmute' }).waitFor();
    await bo.waitForTimeout(1000);
    const silent = await energyOver(bo, 2000);
    await share(ana);
    await expect.poll(() => energyOver(bo, 1000), { timeout: 10_000 }).toBeGreaterThan(10 * silent + 0.001);
    console.log(
      `audio energy at the receiver over 2 s: ${silent.toFixed(4)} muted; over 1 s with the screen's sound: ${(await energyOver(bo, 1000)).toFixed(4)}`,
    );
    const sizes = await screenLargerThanCamera(bo);
    console.log(
      `screen ${sizes.screen.width}x${sizes.screen.height}, camera ${sizes.camera.width}x${sizes.camera.height} at the receiver`,
    );
    // Shown large: the screen is the focus of speaker view.
    await expect.poll(() => bo.locator('.tile.focus').getAttribute('data-source')).toBe('screen');
    expect(
      await bo.evaluate(() => (window as unknown as { sottoConference: { e2ee: { state: string } } }).sottoConference.e2ee.state),
    ).toBe('on');
    await ana.getByRole('button', { name: 'Stop sharing' }).click();
    await expect.poll(() => bo.locator('.tile[data-source="screen"]').count()).toBe(0);
    for (const page of [ana, bo]) await page.context().close();
  });

  it('peer to peer too: the screen goes to the other browser on the direct connection', async () => {
    const url = `${env.server.url}/screen-p2p-room`;
    const { page: ana } = await newPage(env.browser, env.server.url);
    await joinThroughUi(ana, url, 'Ana', { p2p: 'direct' });
    const { page: bo } = await newPage(env.browser, env.server.url);
    await joinThroughUi(bo, url, 'Bo', { p2p: 'direct' });
    for (const page of [ana, bo]) await expect.poll(() => pathShown(page), { timeout: 20_000 }).toBe('p2p-direct');
    await share(ana);
    const sizes = await screenLargerThanCamera(bo);
    console.log(
      `peer to peer: screen ${sizes.screen.width}x${sizes.screen.height}, camera ${sizes.camera.width}x${sizes.camera.height}`,
    );
    expect(await pathShown(bo)).toBe('p2p-direct');
    await ana.getByRole('button', { name: 'Stop sharing' }).click();
    await expect.poll(() => bo.locator('.tile[data-source="screen"]').count()).toBe(0);
    for (const page of [ana, bo]) await page.context().close();
  });
});
