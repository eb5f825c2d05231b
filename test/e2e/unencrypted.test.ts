import { describe, expect, it } from 'vitest';
import { expectLiveVideos, newPage } from '../support/browser.ts';
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

    // The second person kept the default (encrypted): the server's "unencrypted" is refused
    // before anything is sent. Choosing it in the pre-join screen lets them in.
    const { page: second } = await newPage(env.browser, env.server.url);
    await second.goto(url);
    await second.getByLabel('Your name').fill('Bo');
    await second.getByRole('button', { name: 'Join', exact: true }).click();
    await expect
      .poll(() => second.getByRole('alert').textContent())
      .toMatch(/without encryption\. Nothing was sent\. If this meeting is meant to be unencrypted/);
    expect(await second.evaluate(() => (window as unknown as { __pcs: unknown[] }).__pcs.length)).toBe(0);
    await second.goto(url);
    const secondChoice = second.getByRole('checkbox', { name: /End-to-end encryption/ });
    await expect.poll(() => secondChoice.isChecked()).toBe(true);
    await secondChoice.uncheck();
    await second.getByLabel('Your name').fill('Bo');
    await second.getByRole('button', { name: 'Join', exact: true }).click();
    await second.locator('[data-status="joined"]').waitFor();
    for (const page of [first, second]) {
      await expect.poll(() => page.locator('.e2ee-badge').getAttribute('data-e2ee')).toBe('off');
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'not end-to-end encrypted' }).count()).toBe(1);
      await expectLiveVideos(page, 1);
    }
  });
});
