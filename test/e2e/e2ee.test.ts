import type { E2eeFrameStats } from '@sotto/client';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectLiveVideos, inboundSummary, joinThroughUi, newPage, waitFor } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

type FrameStats = E2eeFrameStats;

const e2eeStats = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { sottoConference: { e2eeStats(): Promise<FrameStats | null> } }).sottoConference.e2eeStats(),
  );

/** The verification code as the UI shows it (opens the encryption panel if needed). */
async function shownCode(page: Page): Promise<string> {
  const badge = page.locator('.e2ee-badge');
  if ((await badge.getAttribute('aria-expanded')) !== 'true') await badge.click();
  const code = page.getByRole('list', { name: 'Verification code' });
  await code.waitFor();
  const text = ((await code.textContent()) ?? '').trim();
  await badge.click(); // closed again, so it covers nothing
  return text;
}

const badgeState = (page: Page) => page.locator('.e2ee-badge').getAttribute('data-e2ee');

describe('end-to-end encryption in real browsers', () => {
  const env = useServerAndBrowser();

  it('three people see each other through encrypted transforms, with one verification code that changes on leave', async () => {
    const url = `${env.server.url}/e2ee-three`;
    const pages: Page[] = [];
    // This server hosts encrypted meetings only: nobody is offered to turn E2EE off.
    const { page: probe } = await newPage(env.browser, env.server.url);
    await probe.goto(url);
    await probe.getByLabel('Your name').waitFor();
    await new Promise((r) => setTimeout(r, 500));
    expect(await probe.getByRole('checkbox', { name: /End-to-end encryption/ }).count()).toBe(0);
    await probe.close();
    for (const name of ['Ana', 'Bo', 'Cy']) {
      const { page } = await newPage(env.browser, env.server.url);
      await joinThroughUi(page, url, name);
      pages.push(page);
    }
    for (const page of pages) {
      await expectLiveVideos(page, 2, 20_000);
      await expect.poll(() => badgeState(page), { timeout: 15_000 }).toBe('on');
      const stats = await waitFor(
        'frames encrypted and decrypted',
        () => e2eeStats(page),
        (s) => s !== null && s.encrypted > 50 && s.decrypted > 50,
      );
      expect(stats?.encrypted).toBeGreaterThan(50);
      expect(stats?.decrypted).toBeGreaterThan(50);
    }
    const codes = await Promise.all(pages.map(shownCode));
    expect(codes[0]?.length).toBeGreaterThan(14);
    expect(new Set(codes).size).toBe(1);

    const [ana, bo, cy] = pages as [Page, Page, Page];
    // A reaction travels as an MLS application message: the server relays ciphertext only.
    await ana.getByRole('button', { name: 'React', exact: true }).click();
    await ana.getByRole('button', { name: 'React with 👍' }).click();
    for (const page of [bo, cy]) await page.getByRole('img', { name: 'Ana reacted 👍' }).waitFor({ timeout: 5000 });

    await cy.getByRole('button', { name: 'Leave' }).click();
    await expect.poll(() => ana.locator('.tile').count()).toBe(2);
    const changed = async (page: Page) => {
      await expect.poll(() => badgeState(page), { timeout: 15_000 }).toBe('on');
      return shownCode(page);
    };
    await expect.poll(() => changed(ana), { timeout: 15_000 }).not.toBe(codes[0]);
    const after = [await changed(ana), await changed(bo)];
    expect(after[0]).toBe(after[1]);
    expect(after[0]).not.toBe(codes[0]);
    await expectLiveVideos(ana, 1);
    await expectLiveVideos(bo, 1);
  });

  it('a browser without encoded transforms is refused with a clear message and decodes nothing', async () => {
    const url = `${env.server.url}/e2ee-refusal`;
    const { page: host } = await newPage(env.browser, env.server.url);
    await joinThroughUi(host, url, 'Host');
    const { page: old } = await newPage(env.browser, env.server.url);
    await old.addInitScript(() => {
      delete (window as unknown as Record<string, unknown>).RTCRtpScriptTransform;
      delete (RTCRtpSender.prototype as unknown as Record<string, unknown>).createEncodedStreams;
      delete (RTCRtpReceiver.prototype as unknown as Record<string, unknown>).createEncodedStreams;
    });
    await old.goto(url);
    await old.getByLabel('Your name').fill('Old browser');
    await old.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => old.getByRole('alert').textContent(), { timeout: 15_000 }).toContain('cannot encrypt');
    await new Promise((r) => setTimeout(r, 2000));
    const summary = await inboundSummary(old);
    expect(summary.videoFrames).toEqual([]);
    expect(summary.audioBytes).toBe(0);
    // The host stays alone in the meeting, and sees no tile for the refused browser.
    await expect.poll(() => host.locator('.tile').count()).toBe(1);
  });

  it('a browser with only createEncodedStreams (no RTCRtpScriptTransform) takes part through the fallback', async () => {
    const url = `${env.server.url}/e2ee-fallback`;
    const { page: modern } = await newPage(env.browser, env.server.url);
    await joinThroughUi(modern, url, 'Modern');
    const { page: older } = await newPage(env.browser, env.server.url);
    await older.addInitScript(() => {
      delete (window as unknown as Record<string, unknown>).RTCRtpScriptTransform;
    });
    await joinThroughUi(older, url, 'Older');
    for (const page of [modern, older]) {
      await expectLiveVideos(page, 1);
      await expect.poll(() => badgeState(page), { timeout: 15_000 }).toBe('on');
    }
    const stats = await waitFor(
      'the fallback encrypting and decrypting',
      () => e2eeStats(older),
      (s) => s !== null && s.encrypted > 50 && s.decrypted > 50,
    );
    expect(stats?.senders).toBeGreaterThanOrEqual(2);
    expect(stats?.receivers).toBeGreaterThanOrEqual(2);
  });

  it('a participant holding a wrong key decodes no frames while the others still see each other', async () => {
    const url = `${env.server.url}/e2ee-wrong-key`;
    const { page: ana } = await newPage(env.browser, env.server.url);
    await joinThroughUi(ana, url, 'Ana');
    const { page: bo } = await newPage(env.browser, env.server.url);
    await joinThroughUi(bo, url, 'Bo');
    const { page: eve } = await newPage(env.browser, env.server.url);
    // Eve's worker gets a random secret instead of the group's: she is "in" the meeting but has
    // the wrong media keys.
    await eve.addInitScript(() => {
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
        const m = message as { type?: string; secret?: Uint8Array };
        if (m?.type === 'epoch' && m.secret) m.secret = crypto.getRandomValues(new Uint8Array(m.secret.length));
        return (post as (...a: unknown[]) => void).call(this, message, ...rest);
      } as typeof Worker.prototype.postMessage;
    });
    await joinThroughUi(eve, url, 'Eve');
    await expectLiveVideos(ana, 1);
    await expectLiveVideos(bo, 1);
    const stats = await waitFor(
      "Eve's worker failing to decrypt",
      () => e2eeStats(eve),
      (s) => s !== null && s.failed > 50,
    );
    expect(stats?.decrypted).toBe(0);
    const summary = await inboundSummary(eve);
    expect(summary.videoFrames).toEqual([]);
  });
});
