import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { joinThroughUi, newPage } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

/** Every request and socket a browser context opens, and which of them would have left the origin (blocked). */
async function watch({ context, page }: { context: BrowserContext; page: Page }, origin: string) {
  const seen: string[] = [];
  const blocked: string[] = [];
  context.on('request', (request) => seen.push(request.url()));
  page.on('websocket', (ws) => seen.push(ws.url()));
  // The CSP stops an attempt before it becomes a request: attempts are recorded too.
  await page.addInitScript(() => {
    const violations: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = violations;
    document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await context.route(
    (url) => url.origin !== origin && url.protocol !== 'data:' && url.protocol !== 'blob:',
    (route) => {
      blocked.push(route.request().url());
      return route.abort();
    },
  );
  return { seen, blocked };
}

/** Sets blur and the medium voice disguise on the pre-join screen. */
async function privacyOn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByText('Privacy: background, voice').click();
  await page.getByRole('radio', { name: 'Blur' }).check();
  await page.getByLabel('Voice disguise').selectOption('medium');
}

describe('nothing leaves the origin, with every feature on', () => {
  const env = useServerAndBrowser();

  it('blur, voice disguise, chat and screen sharing: every request and socket goes to the server', async () => {
    const origin = new URL(env.server.url).origin;
    const url = `${env.server.url}/nothing-leaves-room`;
    const ana = await newPage(env.browser, env.server.url);
    const bo = await newPage(env.browser, env.server.url);
    const logs = [await watch(ana, origin), await watch(bo, origin)];
    await privacyOn(ana.page, url);
    await joinThroughUi(ana.page, url, 'Ana');
    await privacyOn(bo.page, url);
    await joinThroughUi(bo.page, url, 'Bo');
    for (const { page } of [ana, bo]) await page.locator('[data-e2ee="on"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => ana.page.locator('.tile[data-self] .effects').textContent()).toContain('Background blurred');

    // What Ana learns about what others learn about her.
    await ana.page.getByRole('button', { name: 'More' }).click();
    await ana.page.getByRole('menuitem', { name: 'Privacy…' }).click();
    const fact = (name: string) => ana.page.locator(`.privacy-dialog [data-fact="${name}"]`).textContent();
    expect(await fact('camera')).toBe('On, background blurred.');
    expect(await fact('voice')).toBe('Disguised (medium).');
    expect(await fact('ip')).toContain('the other participants do not');
    await expect.poll(() => fact('e2ee')).toContain('End to end');
    await ana.page.getByRole('button', { name: 'Close' }).click();

    // Chat: Bo's chat is closed, so a notice says who wrote, and not what (over the shoulder).
    const panel = ana.page.getByRole('complementary', { name: 'Chat' });
    await ana.page.getByRole('button', { name: /^Chat/ }).click();
    await panel.getByLabel('Message').fill('the secret plan');
    await panel.getByRole('button', { name: 'Send' }).click();
    await bo.page.getByText('Message from Ana').waitFor();
    expect(await bo.page.locator('.notices').textContent()).not.toContain('secret');

    await ana.page.getByRole('button', { name: 'Share screen' }).click();
    await bo.page.locator('.tile[data-source="screen"] video').waitFor({ timeout: 15_000 });
    await ana.page.getByRole('button', { name: 'Stop sharing' }).click();

    for (const { page } of [ana, bo])
      expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    for (const { seen, blocked } of logs) {
      expect(blocked).toEqual([]);
      const elsewhere = seen.filter(
        (u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).host !== new URL(origin).host,
      );
      expect(elsewhere).toEqual([]);
      // The log is not empty of what matters: the page, the signaling socket and the model's files.
      expect(seen.some((u) => u.endsWith('/ws'))).toBe(true);
      expect(seen.some((u) => u.includes('/mediapipe/selfie_segmentation'))).toBe(true);
    }
  });
});
