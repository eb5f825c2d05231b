import { ROOM_NAME_PATTERN } from '@sotto/protocol';
import { describe, expect, it } from 'vitest';
import { newPage } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

describe('home and pre-join screens', () => {
  const env = useServerAndBrowser();

  it('"Start a meeting" opens a random, hard-to-guess room', async () => {
    const { page } = await newPage(env.browser, env.server.url);
    const rooms = new Set<string>();
    for (let i = 0; i < 3; i++) {
      await page.goto(`${env.server.url}/`);
      await page.getByRole('button', { name: 'Start a meeting' }).click();
      await page.waitForURL((u) => u.pathname.length > 1);
      const room = new URL(page.url()).pathname.slice(1);
      expect(room).toMatch(ROOM_NAME_PATTERN);
      expect(room.length).toBeGreaterThanOrEqual(20);
      rooms.add(room);
    }
    expect(rooms.size).toBe(3);
    await page.close();
  });

  it('shows a live camera preview, toggles and device pickers, and a "Your name" field', async () => {
    const { page } = await newPage(env.browser, env.server.url);
    await page.goto(`${env.server.url}/prejoin-room`);
    const preview = page.locator('.preview video');
    await preview.waitFor();
    await expect.poll(() => preview.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
    const camera = page.getByLabel('Camera', { exact: true });
    const microphone = page.getByLabel('Microphone', { exact: true });
    await expect.poll(() => camera.locator('option').count()).toBeGreaterThan(0);
    await expect.poll(() => microphone.locator('option').count()).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Camera on' }).click();
    await page.locator('.preview').getByText('Camera off', { exact: true }).waitFor();
    await expect.poll(() => page.locator('.preview video').count()).toBe(0);
    await page.getByRole('button', { name: 'Camera off' }).click();
    await page.locator('.preview video').waitFor();

    const join = page.getByRole('button', { name: 'Join', exact: true });
    await page.getByLabel('Your name').fill('   ');
    expect(await join.isDisabled()).toBe(true);
    await page.getByLabel('Your name').fill('Ana');
    await expect.poll(() => join.isDisabled()).toBe(false);
    await page.close();
  });
});
