import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framesDecoded, joinThroughUi, launchBrowser, newPage, waitFor } from '../support/browser.ts';
import { useServer } from '../support/environment.ts';

/** The device id of the camera track our own tile shows. */
const selfCameraDevice = (page: Page) =>
  page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('.tile[data-self][data-source="camera"] video');
    return (video?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.getSettings().deviceId ?? null;
  });

/**
 * Devices during the meeting: Chromium with three fake cameras (the second is a depth camera in
 * a format no encoder takes, so the test switches to the third). Switching the camera replaces what
 * the others receive without leaving; a camera that goes away (its track ends, as when it is
 * unplugged: simulated by the track's own `ended` event) turns the camera off, says so, and can
 * be turned on again.
 */
describe('devices during the meeting', () => {
  const env = useServer();
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser(['--use-fake-device-for-media-stream=device-count=3,fps=15']);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('switches the camera (microphones are offered too), and survives a camera that goes away', async () => {
    const url = `${env.server.url}/devices-room`;
    const { page: ana } = await newPage(browser, env.server.url);
    await joinThroughUi(ana, url, 'Ana');
    const { page: bo } = await newPage(browser, env.server.url);
    await joinThroughUi(bo, url, 'Bo');
    await waitFor(
      'Bo decoding Ana',
      () => framesDecoded(bo),
      (n) => n > 10,
      15_000,
    );

    await ana.getByRole('button', { name: 'More' }).click();
    await ana.getByRole('menuitem', { name: 'Devices…' }).click();
    const dialog = ana.getByRole('dialog', { name: 'Devices' });
    const cameras = await dialog
      .getByLabel('Camera')
      .locator('option')
      .evaluateAll((o) => o.map((e) => (e as HTMLOptionElement).value));
    expect(cameras.length).toBe(3);
    expect(await selfCameraDevice(ana)).toBe(cameras[0]);
    const other = cameras[2] ?? '';
    await dialog.getByLabel('Camera').selectOption(other);
    await expect.poll(() => selfCameraDevice(ana)).toBe(other);
    const microphones = await dialog.getByLabel('Microphone').locator('option').count();
    expect(microphones).toBeGreaterThan(0);
    await dialog.getByRole('button', { name: 'Close' }).click();
    // The others keep receiving, now from the other camera.
    const decoded = await framesDecoded(bo);
    await waitFor(
      'Bo decoding Ana’s new camera',
      () => framesDecoded(bo),
      (n) => n > decoded + 10,
      15_000,
    );
    expect(await ana.locator('[data-status]').getAttribute('data-status')).toBe('joined');

    // The camera goes away.
    await ana.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('.tile[data-self][data-source="camera"] video');
      (video?.srcObject as MediaStream | null)?.getVideoTracks()[0]?.dispatchEvent(new Event('ended'));
    });
    await expect.poll(() => ana.locator('.notices').textContent()).toContain('Your camera stopped');
    await ana.getByRole('button', { name: 'Start camera' }).waitFor();
    await expect.poll(() => bo.locator('.tile:not([data-self]) video').count()).toBe(0);
    await ana.getByRole('button', { name: 'Start camera' }).click();
    await expect.poll(() => selfCameraDevice(ana)).toBe(other);
    await expect.poll(() => bo.locator('.tile:not([data-self]) video').count()).toBe(1);
  });
});
