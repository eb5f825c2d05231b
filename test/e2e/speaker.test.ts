import { describe, expect, it } from 'vitest';
import { joinThroughUi, newPage } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

describe('dominant speaker in the UI', () => {
  const env = useServerAndBrowser();

  it('highlights whoever speaks, follows the change, and shows them large in speaker view', async () => {
    const room = `${env.server.url}/speaker-room`;
    const { page: ana } = await newPage(env.browser, env.server.url);
    await joinThroughUi(ana, room, 'Ana');
    const { page: bo } = await newPage(env.browser, env.server.url);
    await joinThroughUi(bo, room, 'Bo');
    // The fake microphone plays a tone: whoever is unmuted is "speaking".
    await bo.getByRole('button', { name: 'Mute' }).click();
    const anaOnBo = bo.locator('.tile:not([data-self])');
    await expect.poll(() => anaOnBo.getAttribute('data-speaking'), { timeout: 5000 }).toBe('true');

    await ana.getByRole('button', { name: 'Mute' }).click();
    await bo.getByRole('button', { name: 'Unmute' }).click();
    const boOnAna = ana.locator('.tile:not([data-self])');
    await expect.poll(() => boOnAna.getAttribute('data-speaking'), { timeout: 5000 }).toBe('true');
    await expect.poll(() => anaOnBo.getAttribute('data-speaking'), { timeout: 5000 }).toBeNull();

    await ana.getByRole('button', { name: 'Speaker view' }).click();
    await expect.poll(() => boOnAna.getAttribute('class')).toContain('focus');
    const focusBox = await boOnAna.boundingBox();
    const selfBox = await ana.locator('.tile[data-self]').boundingBox();
    expect((focusBox?.width ?? 0) * (focusBox?.height ?? 0)).toBeGreaterThan(3 * (selfBox?.width ?? 0) * (selfBox?.height ?? 0));
  });
});
