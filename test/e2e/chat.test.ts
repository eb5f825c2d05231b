import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { joinThroughUi, newPage } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

/** Every text frame a page's signaling socket sends or receives. */
function recordSignaling(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => frames.push(String(f.payload)));
    ws.on('framereceived', (f) => frames.push(String(f.payload)));
  });
  return frames;
}

const messagesIn = (page: Page) => page.locator('.chat-messages li');

async function send(page: Page, text: string, to = 'Everyone'): Promise<void> {
  const panel = page.getByRole('complementary', { name: 'Chat' });
  if (!(await panel.isVisible())) await page.getByRole('button', { name: /^Chat/ }).click();
  await panel.getByLabel('To').selectOption({ label: to });
  await panel.getByLabel('Message').fill(text);
  await panel.getByRole('button', { name: 'Send' }).click();
}

describe('chat', () => {
  const env = useServerAndBrowser();

  it('to everyone and privately, end-to-end encrypted; the server relays only ciphertext; a late joiner sees nothing from before', async () => {
    const url = `${env.server.url}/chat-room`;
    const pages: Page[] = [];
    const frames: string[][] = [];
    for (const name of ['Ana', 'Bo', 'Cy']) {
      const { page } = await newPage(env.browser, env.server.url);
      frames.push(recordSignaling(page));
      await joinThroughUi(page, url, name);
      pages.push(page);
    }
    const [ana, bo, cy] = pages as [Page, Page, Page];
    // Everyone holds the keys before anyone writes.
    for (const page of pages) await page.locator('[data-e2ee="on"]').waitFor({ timeout: 20_000 });

    await send(ana, 'hello all');
    // Bo has not opened the chat: an unread badge, then the message.
    await bo.getByRole('button', { name: 'Chat, 1 unread' }).waitFor();
    await bo.getByText('Message from Ana').waitFor();
    await bo.getByRole('button', { name: /^Chat/ }).click();
    await expect.poll(() => messagesIn(bo).allTextContents()).toEqual(['Anahello all']);

    await send(bo, 'just for Ana', 'Ana (private)');
    await cy.getByRole('button', { name: /^Chat/ }).click();
    await expect.poll(() => messagesIn(ana).allTextContents()).toContain('Bo (private, to you)just for Ana');
    await expect.poll(() => messagesIn(bo).allTextContents()).toContain('You → Ana (private)just for Ana');
    await send(cy, 'and me');
    await expect.poll(() => messagesIn(bo).allTextContents()).toContain('Cyand me');
    expect(await messagesIn(cy).allTextContents()).toEqual(['Anahello all', 'Youand me']);

    // The server saw relays, never the words (plain or base64).
    const all = frames.flat().join('\n');
    expect(all).toContain('"type":"relay"');
    for (const words of ['hello all', 'just for Ana', 'and me']) {
      expect(all).not.toContain(words);
      expect(all).not.toContain(Buffer.from(words).toString('base64').slice(0, 12));
    }

    // Someone new sees no earlier messages, and is told why.
    await cy.getByRole('button', { name: 'Leave' }).click();
    const { page: dee } = await newPage(env.browser, env.server.url);
    await joinThroughUi(dee, url, 'Dee');
    await dee.getByRole('button', { name: /^Chat/ }).click();
    await dee.getByText('You see only what was sent after you joined.').waitFor();
    expect(await messagesIn(dee).count()).toBe(0);
    for (const page of [ana, bo, dee]) await page.close();
  });
});
