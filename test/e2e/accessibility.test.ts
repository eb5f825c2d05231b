import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AxeFinding } from '../support/axe.ts';
import { seriousAccessibilityProblems } from '../support/axe.ts';
import { joinThroughUi, newPage } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

/** Every serious or critical finding on the page now, labelled with where it was seen. */
async function check(page: Page, where: string, findings: Array<AxeFinding & { where: string }>): Promise<void> {
  for (const finding of await seriousAccessibilityProblems(page)) findings.push({ ...finding, where });
}

/**
 * axe-core on the main screens (home, pre-join, the meeting with its panels, menus and dialogs
 * open, as a moderator): no serious or critical violation.
 */
describe('accessibility of the main screens', () => {
  const env = useServerAndBrowser();

  it('home, the connection test, pre-join and the meeting (chat, participants, shortcuts, More, encryption) have no serious or critical violations', async () => {
    const findings: Array<AxeFinding & { where: string }> = [];
    const { page } = await newPage(env.browser, env.server.url);
    await page.goto(env.server.url);
    await check(page, 'home', findings);
    await page.goto(`${env.server.url}/doctor`);
    await page.locator('tr[data-probe="Through TURN"]:not([data-status="running"])').waitFor({ timeout: 30_000 });
    await check(page, 'connection test', findings);
    await page.goto(`${env.server.url}/a11y-room`);
    await page.getByLabel('Your name').waitFor();
    await check(page, 'pre-join', findings);
    await joinThroughUi(page, `${env.server.url}/a11y-room`, 'Ana');
    const { page: other } = await newPage(env.browser, env.server.url);
    await joinThroughUi(other, `${env.server.url}/a11y-room`, 'Bo');
    await expect.poll(() => page.locator('.tile').count()).toBe(2);
    await check(page, 'meeting', findings);
    await page.locator('body').press('c');
    await check(page, 'meeting with chat', findings);
    await page.locator('body').press('Escape');
    await page.locator('body').press('p');
    await page.getByRole('complementary', { name: 'Participants' }).waitFor();
    await check(page, 'meeting with participants', findings);
    await page.getByRole('button', { name: 'Close the participants list' }).click();
    await page.getByRole('button', { name: 'More' }).click();
    await check(page, 'More menu', findings);
    await page.getByRole('button', { name: 'More' }).click();
    await page.locator('body').press('?');
    await check(page, 'shortcut help', findings);
    await page.locator('body').press('Escape');
    await page.locator('[data-e2ee]').click();
    await check(page, 'encryption panel', findings);
    expect(findings).toEqual([]);
  });
});
