import { describe, expect, it } from 'vitest';
import { expectLiveVideos, joinThroughUi, newPage } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

describe('a server that allows meetings without end-to-end encryption', () => {
  const env = useServerAndBrowser({ allowUnencrypted: true });

  it('lets the first person start one, and then everyone is told plainly', async () => {
    const url = `${env.server.url}/plain-room`;
    const { page: first } = await newPage(env.browser, env.server.url);
    await first.goto(url);
    const choice = first.getByRole('checkbox', { name: /End-to-end encryption/ });
    await expect.poll(() => choice.isChecked()).toBe(true);
    await choice.uncheck();
    await first.getByLabel('Your name').fill('Ana');
    await first.getByRole('button', { name: 'Join', exact: true }).click();
    await first.locator('[data-status="joined"]').waitFor();

    // The second person kept the default (encrypted) but joins a running meeting: its mode wins.
    const { page: second } = await newPage(env.browser, env.server.url);
    await joinThroughUi(second, url, 'Bo');
    for (const page of [first, second]) {
      await expect.poll(() => page.locator('.e2ee-badge').getAttribute('data-e2ee')).toBe('off');
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'not end-to-end encrypted' }).count()).toBe(1);
      await expectLiveVideos(page, 1);
    }
  });
});
