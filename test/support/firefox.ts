import { networkInterfaces } from 'node:os';
import type { Browser, Page } from 'puppeteer-core';
import puppeteer from 'puppeteer-core';
import { sumInboundStat } from './inbound-stat.ts';

/** Debian's Firefox ESR (Playwright's Firefox needs its own patched build, which cannot be installed here). */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * A non-loopback IPv4 address of this machine. Firefox pairs no local candidate with a loopback
 * server candidate, so a server that Firefox meets must announce an address like this one.
 */
export function machineAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const entry of list ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  throw new Error('the Firefox test needs a non-loopback IPv4 interface');
}

/** Firefox over WebDriver BiDi with fake camera and microphone and no permission prompts. */
export function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'media.autoplay.default': 0,
      // Screen sharing without a picker: Firefox's fake display source.
      'media.getdisplaymedia.enabled': true,
      // WebGL on this GPU-less machine (Mesa's software renderer), as a desktop Firefox has it:
      // the background effect's model needs it. Without these, headless Firefox has no WebGL.
      'webgl.force-enabled': true,
      'webgl.out-of-process': false,
      'webgl.disable-fail-if-major-performance-caveat': true,
      'gfx.blocklist.all': -1,
    },
    env: { ...process.env, LIBGL_ALWAYS_SOFTWARE: '1', MOZ_WEBGL_FORCE_EGL: '1' },
  });
}

/** Sum of decoded video frames over every peer connection the page made (see `trackPeerConnections`). */
export function framesDecodedIn(page: Page): Promise<number> {
  return page.evaluate(sumInboundStat, { kind: 'video', field: 'framesDecoded' });
}

/** Records the page's RTCPeerConnections in `window.__pcs` (as test/support/browser.ts does for Chromium). */
export async function trackPeerConnections(page: Page): Promise<void> {
  await page.evaluateOnNewDocument(() => {
    const Native = window.RTCPeerConnection;
    const w = window as unknown as { __pcs: RTCPeerConnection[]; RTCPeerConnection: typeof RTCPeerConnection };
    w.__pcs = [];
    w.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        w.__pcs.push(this);
      }
    };
  });
}
