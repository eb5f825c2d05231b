import type { Page } from 'playwright-core';
import { joinThroughUi, launchBrowser, newPage } from '../test/support/browser.ts';
import { startBrowserBenchServer } from './browser-bench-server.ts';
import { median } from './process-usage.ts';

/** Milliseconds from clicking Join until the page has decoded its first remote video frame. */
async function joinToFirstFrame(page: Page, url: string, name: string): Promise<number> {
  await page.goto(url);
  await page.getByLabel('Your name').fill(name);
  const join = page.getByRole('button', { name: 'Join', exact: true });
  await join.waitFor();
  await page.waitForFunction(() => !(document.querySelector('button[type=submit]') as HTMLButtonElement).disabled);
  const start = Date.now();
  await join.click();
  await page.waitForFunction(
    async () => {
      for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
        let decoded = false;
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > 0) decoded = true;
        });
        if (decoded) return true;
      }
      return false;
    },
    undefined,
    { polling: 10, timeout: 15000 },
  );
  return Date.now() - start;
}

/**
 * Three browsers on loopback: two are in the room, the third joins and we time it; repeated
 * `runs` times with fresh pages, in one server.
 */
export async function measureJoinTime(runs: number): Promise<{ samples: number[]; medianMs: number }> {
  const server = await startBrowserBenchServer(28500);
  const browser = await launchBrowser();
  const samples: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const url = `${server.url}/join-time-room-${run}`;
      const pages: Page[] = [];
      const first = await newPage(browser, server.url);
      pages.push(first.page);
      await joinThroughUi(first.page, url, 'First');
      for (const name of ['Second', 'Third']) {
        const { page } = await newPage(browser, server.url);
        pages.push(page);
        const ms = await joinToFirstFrame(page, url, name);
        if (name === 'Third') samples.push(ms);
      }
      console.error(`run ${run + 1}/${runs}: ${samples[samples.length - 1]} ms`);
      for (const page of pages) await page.context().close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return { samples, medianMs: median(samples) };
}
