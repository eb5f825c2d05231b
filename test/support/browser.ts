import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

/** Debian's Chromium; `npx playwright install` cannot work on a machine without internet. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

export async function launchBrowser(extraArgs: string[] = [], executablePath = CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: [...ARGS, ...extraArgs] });
}

/**
 * Records every RTCPeerConnection a page creates in `window.__pcs`, so tests can read stats of
 * connections the app made.
 */
const TRACK_PEER_CONNECTIONS = `
(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
})();
`;

export async function newPage(
  browser: Browser,
  origin: string,
  viewport = { width: 960, height: 600 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport });
  await context.grantPermissions(['camera', 'microphone'], { origin });
  const page = await context.newPage();
  await page.addInitScript(TRACK_PEER_CONNECTIONS);
  return { context, page };
}

/**
 * Opens a room, fills the pre-join screen (and the peer-to-peer choice, if given) and clicks
 * Join; resolves when the page says joined.
 */
export async function joinThroughUi(
  page: Page,
  url: string,
  name: string,
  options: { p2p?: 'off' | 'relay' | 'direct' } = {},
): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Your name').fill(name);
  if (options.p2p) {
    const choice = page.getByLabel('When only two of you are in the meeting');
    // The choices arrive with /config.json: wait for the one asked for.
    await choice.locator(`option[value="${options.p2p}"]`).waitFor({ state: 'attached' });
    await choice.selectOption(options.p2p);
  }
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await page.locator('[data-status="joined"]').waitFor({ timeout: 15000 });
}

export interface InboundSummary {
  /** framesDecoded per inbound video stream that has decoded anything. */
  videoFrames: number[];
  /** Total audio bytes received over all inbound audio streams. */
  audioBytes: number;
  audioStreams: number;
}

/** Inbound media totals over every peer connection of the page. */
export async function inboundSummary(page: Page): Promise<InboundSummary> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed');
    const videoFrames: number[] = [];
    let audioBytes = 0;
    let audioStreams = 0;
    for (const pc of pcs) {
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video' && s.framesDecoded > 0) videoFrames.push(s.framesDecoded);
        if (s.kind === 'audio' && s.bytesReceived > 0) {
          audioBytes += s.bytesReceived;
          audioStreams++;
        }
      });
    }
    return { videoFrames, audioBytes, audioStreams };
  });
}

/** Polls `check` until it returns true, or fails after `timeoutMs` with `what` and the last value. */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 15000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!check(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

/** Waits until `count` remote videos are decoding and keep advancing. */
export async function expectLiveVideos(page: Page, count: number, timeoutMs = 15000): Promise<void> {
  const first = await waitFor(
    `${count} decoding videos`,
    () => inboundSummary(page),
    (s) => s.videoFrames.length >= count,
    timeoutMs,
  );
  const before = first.videoFrames.reduce((a, b) => a + b, 0);
  await waitFor(
    `${count} videos advancing`,
    () => inboundSummary(page),
    (s) => s.videoFrames.length >= count && s.videoFrames.reduce((a, b) => a + b, 0) > before + count * 10,
    timeoutMs,
  );
}

export interface VideoStreamStats {
  mid: string;
  frameWidth: number;
  framesDecoded: number;
  bytesReceived: number;
}

/** Inbound video streams of the page's receive connection, by mid. */
export async function inboundVideo(page: Page): Promise<VideoStreamStats[]> {
  return page.evaluate(async () => {
    const out: VideoStreamStats[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          out.push({
            mid: s.mid,
            frameWidth: s.frameWidth ?? 0,
            framesDecoded: s.framesDecoded ?? 0,
            bytesReceived: s.bytesReceived,
          });
        }
      });
    }
    return out;
  });
}

/** Outbound video encodings (simulcast layers) of the page, by rid. */
export async function outboundVideo(
  page: Page,
): Promise<Array<{ rid: string; frameWidth: number; framesEncoded: number; limitation: string }>> {
  return page.evaluate(async () => {
    const out: Array<{ rid: string; frameWidth: number; framesEncoded: number; limitation: string }> = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'outbound-rtp' && s.kind === 'video') {
          out.push({
            rid: s.rid ?? '',
            frameWidth: s.frameWidth ?? 0,
            framesEncoded: s.framesEncoded ?? 0,
            limitation: s.qualityLimitationReason ?? '',
          });
        }
      });
    }
    return out;
  });
}

/** Sum of decoded frames over the page's videos. */
export const framesDecoded = async (page: Page) => (await inboundSummary(page)).videoFrames.reduce((a, b) => a + b, 0);

/** Seconds from `from` (Date.now()) until the page's decoded-frame count moves past where it is now. */
export async function secondsToNextFrames(page: Page, from: number, timeoutMs = 30_000): Promise<number> {
  const before = await framesDecoded(page);
  await waitFor(
    'video decoding again',
    () => framesDecoded(page),
    (n) => n > before + 5,
    timeoutMs,
  );
  return (Date.now() - from) / 1000;
}
