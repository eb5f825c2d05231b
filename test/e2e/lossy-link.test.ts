import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectLiveVideos, inboundVideo, joinThroughUi, newPage } from '../support/browser.ts';
import { useBrowserBehindALink } from '../support/link-fixture.ts';

const FAKE_CAMERA_15_FPS = '--use-fake-device-for-media-stream=fps=15';

/** Frames decoded per remote video of the page, by mid. */
async function decodedByMid(page: Page): Promise<Map<string, number>> {
  return new Map((await inboundVideo(page)).filter((v) => v.framesDecoded > 0).map((v) => [v.mid, v.framesDecoded]));
}

/**
 * One participant on a link that loses 30% of its UDP packets both ways (a browser in a network
 * namespace, nftables dropping at random): the SFU's NACKs, retransmissions and key-frame
 * requests must keep every video decoding, for that participant and for everyone else.
 */
describe('a participant on a link with 30% packet loss', () => {
  const link = useBrowserBehindALink([FAKE_CAMERA_15_FPS], [FAKE_CAMERA_15_FPS]);

  it('keeps video decoding for everyone', async () => {
    const { host, server, local, remote, origin } = link();
    const { page: lossy } = await newPage(remote, origin);
    await joinThroughUi(lossy, `${origin}/lossy-room`, 'Lossy');
    const pages: Page[] = [lossy];
    for (const name of ['Ana', 'Bo']) {
      const { page } = await newPage(local, server.url);
      await joinThroughUi(page, `${server.url}/lossy-room`, name);
      pages.push(page);
    }
    for (const page of pages) await expectLiveVideos(page, 2, 20_000);

    host.setLoss(30);
    await new Promise((r) => setTimeout(r, 3000)); // past the first seconds of adaptation
    const before = await Promise.all(pages.map(decodedByMid));
    const seconds = 10;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const after = await Promise.all(pages.map(decodedByMid));
    host.setLoss(0);

    const rates: string[] = [];
    pages.forEach((page, i) => {
      const start = before[i] as Map<string, number>;
      const end = after[i] as Map<string, number>;
      expect(end.size, `${i}: remote videos`).toBeGreaterThanOrEqual(2);
      for (const [mid, frames] of end) {
        const fps = (frames - (start.get(mid) ?? 0)) / seconds;
        rates.push(`${['Lossy', 'Ana', 'Bo'][i]}←${mid}: ${fps.toFixed(1)} fps`);
        // A 15 fps camera: video keeps moving (not frozen), whoever is on the bad link.
        expect(fps, `${i} mid ${mid}`).toBeGreaterThan(3);
      }
      void page;
    });
    console.log(`30% loss on one participant's link, decoded frame rates: ${rates.join(', ')}`);
  });
});
