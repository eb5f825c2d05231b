import type { Page } from 'playwright-core';
import { joinThroughUi, launchBrowser, newPage } from '../test/support/browser.ts';
import { pathShown } from '../test/support/media-paths.ts';
import { startBrowserBenchServer } from './browser-bench-server.ts';
import { median } from './process-usage.ts';

/**
 * Starts sampling, in the page, when the remote tile of `peerName` shows a new video frame:
 * every 20 ms, the decoded-frame count of whichever track the tile plays now (bridge or peer to
 * peer). `window.__frameTimes` collects the times a new frame appeared.
 */
async function sampleTileFrames(page: Page, peerName: string): Promise<void> {
  // A string, not a function: tsx would add helpers to a function's text that the page lacks.
  await page.evaluate(`(() => {
    const name = ${JSON.stringify(peerName)};
    window.__frameTimes = [];
    let last = '';
    const tick = async () => {
      const tile = [...document.querySelectorAll('figure.tile')].find((f) => f.textContent.includes(name));
      const stream = tile && tile.querySelector('video') && tile.querySelector('video').srcObject;
      const track = stream && stream.getVideoTracks()[0];
      if (track) {
        for (const pc of window.__pcs) {
          if (pc.connectionState === 'closed') continue;
          (await pc.getStats()).forEach((s) => {
            if (s.type !== 'inbound-rtp' || s.kind !== 'video' || s.trackIdentifier !== track.id) return;
            const key = track.id + '/' + s.framesDecoded;
            if (key !== last && s.framesDecoded > 0) {
              last = key;
              window.__frameTimes.push(performance.now());
            }
          });
        }
      }
      setTimeout(tick, 20);
    };
    tick();
  })()`);
}

/** The longest time without a new frame on the tile since `sinceMs` (page clock). */
async function longestGap(page: Page, sinceMs: number): Promise<number> {
  return page.evaluate((since) => {
    const times = (window as unknown as { __frameTimes: number[] }).__frameTimes.filter((t) => t >= since);
    let gap = 0;
    for (let i = 1; i < times.length; i++) gap = Math.max(gap, (times[i] as number) - (times[i - 1] as number));
    return gap;
  }, sinceMs);
}

const pageNow = (page: Page) => page.evaluate(() => performance.now());

async function waitForPath(pages: Page[], path: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (const page of pages) {
    while ((await pathShown(page)) !== path) {
      if (Date.now() > deadline) throw new Error(`the path did not become ${path}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Two browsers in a `p2p = direct` server: a third joins (peer to peer → bridge) and leaves
 * (bridge → peer to peer), `switches` times; after each switch, the longest gap between frames
 * shown on the two tiles (each watching the other), from just before the switch until 2 s after
 * the new path is shown.
 */
export async function measureSwitchGaps(switches: number): Promise<{ toBridge: number[]; toP2p: number[]; steadyP2p: number }> {
  const server = await startBrowserBenchServer(28600, { p2p: 'direct' });
  const browser = await launchBrowser();
  const toBridge: number[] = [];
  const toP2p: number[] = [];
  let steadyP2p = 0;
  try {
    const url = `${server.url}/switch-room`;
    const ana = (await newPage(browser, server.url)).page;
    await joinThroughUi(ana, url, 'Ana', { p2p: 'direct' });
    const bo = (await newPage(browser, server.url)).page;
    await joinThroughUi(bo, url, 'Bo', { p2p: 'direct' });
    await waitForPath([ana, bo], 'p2p-direct');
    await sampleTileFrames(ana, 'Bo');
    await sampleTileFrames(bo, 'Ana');
    const gapAfter = async (since: number[], path: string) => {
      await waitForPath([ana, bo], path);
      await new Promise((r) => setTimeout(r, 2000));
      return Math.max(await longestGap(ana, since[0] as number), await longestGap(bo, since[1] as number));
    };
    // For comparison: the longest gap in 4 s of steady peer to peer, no switch.
    const steadySince = [await pageNow(ana), await pageNow(bo)];
    await new Promise((r) => setTimeout(r, 4000));
    steadyP2p = Math.max(await longestGap(ana, steadySince[0] as number), await longestGap(bo, steadySince[1] as number));
    for (let i = 0; i < switches; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      let since = [await pageNow(ana), await pageNow(bo)];
      const { page: cy } = await newPage(browser, server.url);
      await joinThroughUi(cy, url, 'Cy', { p2p: 'direct' });
      toBridge.push(await gapAfter(since, 'bridge'));
      since = [await pageNow(ana), await pageNow(bo)];
      await cy.context().close();
      toP2p.push(await gapAfter(since, 'p2p-direct'));
      console.error(
        `switch ${i + 1}/${switches}: to bridge ${toBridge.at(-1)?.toFixed(0)} ms, back to peer to peer ${toP2p.at(-1)?.toFixed(0)} ms`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return { toBridge, toP2p, steadyP2p };
}

export function switchGapSummary(result: { toBridge: number[]; toP2p: number[]; steadyP2p: number }): string {
  return `longest gap in the picture at a switch, median of ${result.toBridge.length}: peer to peer → bridge ${median(result.toBridge).toFixed(0)} ms, bridge → peer to peer ${median(result.toP2p).toFixed(0)} ms (steady peer to peer, no switch: ${result.steadyP2p.toFixed(0)} ms)`;
}
