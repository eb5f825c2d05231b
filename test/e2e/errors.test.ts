import { describe, expect, it } from 'vitest';
import { RECONNECT_DEADLINE_MS } from '../../packages/client/src/signaling-link.ts';
import { joinThroughUi, newPage } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

/** Makes getUserMedia fail the way a browser does when permission is refused or no device exists. */
const failGetUserMedia = (name: string) => `
  navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('refused in test', '${name}'));
`;

describe('clear messages when things go wrong', () => {
  const env = useServerAndBrowser({ maxMembersPerRoom: 2 });

  it('denied permissions: explained, and joining without devices still works', async () => {
    const { page } = await newPage(env.browser, env.server.url);
    await page.addInitScript(failGetUserMedia('NotAllowedError'));
    await page.goto(`${env.server.url}/denied-room`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('blocked');
    await page.getByLabel('Your name').fill('Nobody');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await page.locator('[data-status="joined"]').waitFor();
    await page.close();
  });

  it('no camera: explained', async () => {
    const { page } = await newPage(env.browser, env.server.url);
    await page.addInitScript(failGetUserMedia('NotFoundError'));
    await page.goto(`${env.server.url}/nodevice-room`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('No camera or microphone was found');
    await page.close();
  });

  it('a full room: explained', async () => {
    const pages = [];
    for (const name of ['One', 'Two']) {
      const { page } = await newPage(env.browser, env.server.url);
      await joinThroughUi(page, `${env.server.url}/full-room`, name);
      pages.push(page);
    }
    const { page: third } = await newPage(env.browser, env.server.url);
    await third.goto(`${env.server.url}/full-room`);
    await third.getByLabel('Your name').fill('Three');
    await third.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => third.getByRole('alert').textContent()).toContain('This meeting is full');
    for (const page of [...pages, third]) await page.close();
  });

  it('a lost server connection: explained, with a way to rejoin', async () => {
    const { page } = await newPage(env.browser, env.server.url);
    await joinThroughUi(page, `${env.server.url}/lost-room`, 'Lonely');
    await env.server.close();
    // First the SDK tries to get back in (a restart is the usual reason a server goes away)…
    await page.locator('[data-status="reconnecting"]').waitFor({ timeout: 5_000 });
    // …and once the link's deadline has passed without a server, it says so.
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: RECONNECT_DEADLINE_MS + 10_000 })
      .toContain('connection to the server was lost');
    await page.getByRole('button', { name: 'Rejoin' }).waitFor();
  });
});
