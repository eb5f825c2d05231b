import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinThroughUi, launchBrowser, newPage } from '../support/browser.ts';
import { useServer } from '../support/environment.ts';
import { writeToneWav } from '../support/tone-wav.ts';

const notices = (page: Page) => page.locator('.notices').textContent();

/**
 * The participants panel's connection figures, and the "speaking while muted" hint. The fake
 * microphone plays a steady tone (a voice that never pauses), so a muted participant "speaks".
 */
describe('connection figures and the speaking-while-muted hint', () => {
  const env = useServer();
  let browser: Browser;
  beforeAll(async () => {
    const wav = writeToneWav(join(mkdtempSync(join(tmpdir(), 'sotto-tone-')), 'tone.wav'));
    browser = await launchBrowser([`--use-file-for-fake-audio-capture=${wav}`]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows each participant’s connection with its figures, and warns a muted speaker unless told not to', async () => {
    const url = `${env.server.url}/details-room`;
    const { page: ana } = await newPage(browser, env.server.url);
    await joinThroughUi(ana, url, 'Ana');
    const { page: bo } = await newPage(browser, env.server.url);
    await joinThroughUi(bo, url, 'Bo');

    await ana.locator('body').press('p');
    const panel = ana.getByRole('complementary', { name: 'Participants' });
    const bosRow = panel.locator('li', { hasText: 'Bo' });
    await expect.poll(() => bosRow.locator('summary').textContent(), { timeout: 10_000 }).toBe('Connection: good');
    await bosRow.locator('summary').click();
    await expect
      .poll(() => bosRow.locator('.stats li').allTextContents(), { timeout: 10_000 })
      .toEqual([
        expect.stringMatching(/^Audio: [1-9]\d* kbit\/s, 0\.0 % lost$/),
        expect.stringMatching(/^Camera: [1-9]\d* kbit\/s, \d+×\d+ at \d+ fps, \d+\.\d % lost$/),
        expect.stringMatching(/^Round trip: \d+ ms$/),
        'Media: through the server',
      ]);

    // Where Bo stands in the encryption: holding the keys, then verified once Ana confirms the code.
    await expect.poll(() => bosRow.textContent()).toContain('Has the keys');
    await ana.locator('[data-e2ee]').click();
    await ana.getByRole('button', { name: 'Everyone sees the same code' }).click();
    await expect.poll(() => bosRow.textContent()).toContain('Verified');

    // Muted, and still talking: a hint (the microphone stays open in the browser only).
    await bo.locator('body').press('m');
    await expect.poll(() => notices(bo), { timeout: 5000 }).toContain('You are speaking while muted');
    // Unmuting reuses the open microphone.
    await bo.locator('body').press('m');
    await expect.poll(() => bo.getByRole('button', { name: 'Mute', exact: true }).count()).toBe(1);

    // Told not to, muting closes the microphone and says nothing.
    await bo.getByRole('button', { name: 'More' }).click();
    await bo.getByRole('menuitemcheckbox', { name: 'Warn me when I speak while muted' }).click();
    await expect.poll(() => notices(bo), { timeout: 10_000 }).not.toContain('You are speaking while muted');
    await bo.locator('body').press('m');
    // An absence takes time to show: well past the detector's one-second window.
    await bo.waitForTimeout(2500);
    expect(await notices(bo)).not.toContain('You are speaking while muted');
  });
});
