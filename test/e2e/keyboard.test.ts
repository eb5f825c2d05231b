import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { joinThroughUi, newPage } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

const pressed = (page: Page, name: RegExp) => page.getByRole('button', { name }).first().getAttribute('aria-pressed');

describe('keyboard shortcuts', () => {
  const env = useServerAndBrowser();

  it('M, V, C, T, Space and ? work from the keyboard alone, and not while typing', async () => {
    const { page } = await newPage(env.browser, env.server.url);
    await joinThroughUi(page, `${env.server.url}/keyboard-room`, 'Keys');
    const microphoneOn = () => pressed(page, /^(Mute|Unmute)$/);

    expect(await microphoneOn()).toBe('true');
    await page.keyboard.press('m');
    await expect.poll(microphoneOn).toBe('false');
    // Hold Space to talk, release to be muted again.
    await page.keyboard.down(' ');
    await expect.poll(microphoneOn).toBe('true');
    await page.keyboard.up(' ');
    await expect.poll(microphoneOn).toBe('false');
    await page.keyboard.press('m');
    await expect.poll(microphoneOn).toBe('true');

    await page.keyboard.press('v');
    await expect.poll(() => pressed(page, /camera$/)).toBe('false');
    await page.keyboard.press('t');
    await page.getByRole('button', { name: 'Grid view' }).waitFor();

    await page.keyboard.press('c');
    const chat = page.getByRole('complementary', { name: 'Chat' });
    await chat.waitFor();
    // Typing an M in the chat is a letter, not a shortcut.
    await chat.getByLabel('Message').fill('');
    await chat.getByLabel('Message').press('m');
    expect(await microphoneOn()).toBe('true');
    // From a focused button the letters work again; Escape in the chat closes it.
    await page.keyboard.press('Tab');
    await page.keyboard.press('c');
    await chat.waitFor({ state: 'detached' });
    await page.keyboard.press('c');
    await chat.getByLabel('Message').focus();
    await page.keyboard.press('Escape');
    await chat.waitFor({ state: 'detached' });

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.textContent()).toContain('Talk while muted');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.close();
  });
});
