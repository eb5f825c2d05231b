import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { joinThroughUi, newPage } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

const panelOf = (page: Page) => page.getByRole('complementary', { name: 'Participants' });

async function openPanel(page: Page) {
  if (!(await panelOf(page).isVisible())) await page.getByRole('button', { name: /^People/ }).click();
  return panelOf(page);
}

const micButton = (page: Page) => page.locator('footer.toolbar button').first();

/**
 * A moderator and two participants, all through the UI: hands, mute and ask-to-unmute, a
 * password, the lobby, removal and the end of the meeting. The server's side of each permission
 * is tested against a hostile participant in test/integration/moderation.test.ts.
 */
describe('moderation in the UI', () => {
  const env = useServerAndBrowser();

  it('hands, mute, ask to unmute, password, lobby, mute everyone, lock, remove, grant moderator and end the meeting', async () => {
    const url = `${env.server.url}/moderated-room`;
    const { page: mod } = await newPage(env.browser, env.server.url);
    mod.on('dialog', (dialog) => dialog.accept());
    await joinThroughUi(mod, url, 'Mo');
    const { page: ana } = await newPage(env.browser, env.server.url);
    await joinThroughUi(ana, url, 'Ana');

    // Ana raises her hand from the keyboard; everyone sees it, the moderator lowers it.
    await ana.locator('body').press('r');
    await expect.poll(() => mod.getByRole('img', { name: /Ana raised a hand \(1 in the queue\)/ }).count()).toBe(1);
    let panel = await openPanel(mod);
    await expect.poll(() => panel.getByRole('img', { name: 'Hand raised, 1 in the queue' }).count()).toBe(1);
    await panel.getByRole('button', { name: 'Lower Ana’s hand' }).click();
    await expect.poll(() => ana.getByRole('button', { name: 'Raise hand' }).getAttribute('aria-pressed')).toBe('false');

    // A participant sees no moderator actions.
    const anaPanel = await openPanel(ana);
    expect(await anaPanel.getByRole('button', { name: /^Remove|^Mute / }).count()).toBe(0);
    await ana.getByRole('button', { name: 'Close the participants list' }).click();

    // Mute: Ana's microphone goes off on her side; asked to unmute, she decides.
    await panel.getByRole('button', { name: 'Mute Ana' }).click();
    await expect.poll(() => micButton(ana).textContent()).toBe('Unmute');
    await expect.poll(() => ana.locator('.notices').textContent()).toContain('Mo turned off your microphone');
    await panel.getByRole('button', { name: 'Ask Ana to unmute' }).click();
    const request = ana.getByRole('alertdialog', { name: 'Request to unmute' });
    await request.getByRole('button', { name: 'Turn it on' }).click();
    await expect.poll(() => micButton(ana).textContent()).toBe('Mute');
    await expect.poll(() => panel.locator('li', { hasText: 'Ana' }).textContent()).not.toContain('Mic off');

    // A password: a newcomer is asked for it, a wrong one is refused, the right one lets her in.
    await panel.getByLabel('Meeting password').fill('s3cret pass');
    await panel.getByRole('button', { name: 'Set the password' }).click();
    await panel.getByRole('button', { name: 'Remove the password' }).waitFor();
    const { page: cy } = await newPage(env.browser, env.server.url);
    await cy.goto(url);
    await cy.getByLabel('Your name').fill('Cy');
    await cy.getByRole('button', { name: 'Join', exact: true }).click();
    await cy.getByText('This meeting has a password. Enter it to join.').waitFor();
    await cy.getByLabel('Meeting password').fill('guess');
    await cy.getByRole('button', { name: 'Join', exact: true }).click();
    await cy.getByText('That password is not right.', { exact: false }).waitFor();
    await cy.getByLabel('Meeting password').fill('s3cret pass');
    await cy.getByRole('button', { name: 'Join', exact: true }).click();
    await cy.locator('[data-status="joined"]').waitFor({ timeout: 15_000 });
    await cy.getByRole('button', { name: 'Leave' }).click();

    // The lobby: Cy knocks and waits; the moderator sees her and lets her in.
    await panel.getByRole('button', { name: 'Remove the password' }).click();
    await panel.getByRole('button', { name: 'Turn the lobby on' }).click();
    await panel.getByRole('button', { name: 'Turn the lobby off' }).waitFor();
    await cy.getByRole('button', { name: 'Rejoin' }).click();
    await cy.getByRole('button', { name: 'Join', exact: true }).click();
    await cy.getByText('Waiting for a moderator to let you in…').waitFor({ timeout: 15_000 });
    await panel.getByRole('button', { name: 'Admit Cy' }).click();
    await cy.locator('[data-status="joined"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => mod.locator('.tile').count()).toBe(3);

    // Mute everyone: both others' microphones go off.
    await panel.getByRole('button', { name: 'Mute everyone' }).click();
    for (const page of [ana, cy]) await expect.poll(() => micButton(page).textContent()).toBe('Unmute');

    // The lock, then removal: Cy is told, the others see her leave, and she cannot come back.
    await panel.getByRole('button', { name: 'Turn the lobby off' }).click();
    await panel.getByRole('button', { name: 'Lock the meeting' }).click();
    await expect.poll(() => ana.locator('header .tag').allTextContents()).toContain('Locked');
    await panel.getByRole('button', { name: 'Remove Cy' }).click();
    await cy.getByText('A moderator removed you from the meeting.').waitFor();
    await expect.poll(() => ana.locator('.tile').count()).toBe(2);
    await cy.goto(url);
    await cy.getByRole('button', { name: 'Join', exact: true }).click();
    await cy.getByText('This meeting is locked', { exact: false }).waitFor();

    // A new moderator gets the moderator's actions.
    await panel.getByRole('button', { name: 'Make Ana a moderator' }).click();
    const anasPanel = await openPanel(ana);
    await anasPanel.getByRole('button', { name: 'Mute Mo' }).waitFor();

    // The end of the meeting, for everyone.
    await panel.getByRole('button', { name: 'End the meeting for all' }).click();
    await ana.getByText('A moderator ended the meeting for everyone.').waitFor();
    panel = mod.getByText('A moderator ended the meeting for everyone.');
    await panel.waitFor();
  });
});
