import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectLiveVideos, inboundVideo, joinThroughUi, newPage, outboundVideo, waitFor } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

/** Width of the video a page receives from one participant (by their tile's slot), once stable. */
async function receivedWidth(page: Page, minFrames = 20): Promise<number> {
  const streams = await waitFor(
    'a decoding video',
    () => inboundVideo(page),
    (s) => s.some((v) => v.framesDecoded > minFrames),
  );
  return Math.max(...streams.map((s) => s.frameWidth));
}

describe('simulcast and receiver-driven layers', () => {
  const env = useServerAndBrowser();
  const room = () => `${env.server.url}/simulcast-room`;

  it('the sender encodes three layers; a small window gets ≤ 640 wide, a large one a wider layer; a hidden tile gets no video; unneeded layers are suspended', async () => {
    // The first page fixes the shared fake camera at 1280x720 (the app asks for 720p).
    const { page: sender } = await newPage(env.browser, env.server.url);
    await joinThroughUi(sender, room(), 'Sender');
    // Checked while the sender is alone: the SFU's feedback alone must turn all layers on (and
    // a busy 2-core machine makes Chrome shed its top layer for CPU once more pages encode).
    const layers = await waitFor(
      'three encoded layers',
      () => outboundVideo(sender),
      (l) => l.filter((e) => e.framesEncoded > 10).length === 3,
      20_000,
    );
    expect(layers.map((l) => l.frameWidth).sort((a, b) => a - b)).toEqual([320, 640, 1280]);

    const { page: small } = await newPage(env.browser, env.server.url, { width: 480, height: 360 });
    await joinThroughUi(small, room(), 'Small');

    await expectLiveVideos(small, 1);
    // Wait past the first layer choices, then read what the small window decodes.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await receivedWidth(small)).toBeLessThanOrEqual(640);

    const { page: large } = await newPage(env.browser, env.server.url, { width: 1600, height: 1000 });
    await joinThroughUi(large, room(), 'Large');
    await expectLiveVideos(large, 2);
    await waitFor(
      'a wide layer in the large window',
      () => inboundVideo(large),
      (streams) => streams.some((s) => s.frameWidth > 640 && s.framesDecoded > 0),
      15_000,
    );

    // The small window hides the sender's tile: its video stops arriving.
    const before = await inboundVideo(small);
    await small.evaluate(() => {
      for (const tile of document.querySelectorAll<HTMLElement>('.tile:not([data-self])')) tile.style.display = 'none';
    });
    await new Promise((r) => setTimeout(r, 1500));
    const paused = await inboundVideo(small);
    await new Promise((r) => setTimeout(r, 2000));
    const later = await inboundVideo(small);
    const bytes = (s: typeof before) => s.reduce((n, v) => n + v.bytesReceived, 0);
    expect(bytes(paused)).toBeGreaterThan(bytes(before)); // it was flowing until hidden
    expect(bytes(later)).toBe(bytes(paused));

    // Shown again: video resumes.
    await small.evaluate(() => {
      for (const tile of document.querySelectorAll<HTMLElement>('.tile')) tile.style.display = '';
    });
    await waitFor(
      'video resumes',
      () => inboundVideo(small),
      (s) => bytes(s) > bytes(later),
      10_000,
    );

    // Once nobody needs the full layer (the large window left), the sender stops encoding it
    // after the hold time; the small layers go on.
    await large.close();
    const encodedFull = async () => (await outboundVideo(sender)).find((l) => l.rid === 'f')?.framesEncoded ?? 0;
    await new Promise((r) => setTimeout(r, 7000));
    const full = await encodedFull();
    await new Promise((r) => setTimeout(r, 2000));
    expect(await encodedFull()).toBe(full);
    const quarter = (await outboundVideo(sender)).find((l) => l.rid === 'q')?.framesEncoded ?? 0;
    await waitFor(
      'the smallest layer goes on',
      async () => (await outboundVideo(sender)).find((l) => l.rid === 'q')?.framesEncoded ?? 0,
      (n) => n > quarter + 10,
    );
  });
});
