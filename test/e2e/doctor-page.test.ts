import { describe, expect, it } from 'vitest';
import { newPage } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

/** The /doctor connection test on a server without TURN: direct works, TURN is named as missing. */
describe('the /doctor page', () => {
  const env = useServerAndBrowser();

  it('tests the direct path to the media port and reports its path, round trip and loss', async () => {
    const { page } = await newPage(env.browser, env.server.url);
    await page.goto(`${env.server.url}/`);
    await page.getByRole('link', { name: 'Test your connection' }).click();
    await page.waitForURL(/\/doctor$/);
    const direct = page.locator('tr[data-probe="Direct to the server"]');
    const relay = page.locator('tr[data-probe="Through TURN"]');
    await expect.poll(() => relay.getAttribute('data-status'), { timeout: 30_000 }).not.toBe('running');
    expect(await direct.getAttribute('data-status')).toBe('pass');
    expect(await direct.locator('td').textContent()).toMatch(/^direct \(UDP\) · round trip \d+ ms · loss 0 %$/);
    expect(await relay.getAttribute('data-status')).toBe('fail');
    expect(await relay.locator('td').textContent()).toBe('this server has no TURN server');
    expect(await page.getByRole('status').textContent()).toBe('Meetings will work from this network.');
  });
});
