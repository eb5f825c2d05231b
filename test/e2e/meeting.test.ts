import { describe, expect, it } from 'vitest';
import { expectLiveVideos, inboundSummary, joinThroughUi, newPage, waitFor } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

describe('three people meet through the UI', () => {
  const env = useServerAndBrowser();

  it('each sees two live remote videos and hears audio; a leave updates the others', async () => {
    const url = `${env.server.url}/e2e-meeting-room`;
    const pages = [];
    const requests: string[] = [];
    for (const name of ['Ana', 'Bo', 'Cy']) {
      const { page } = await newPage(env.browser, env.server.url);
      page.on('request', (r) => requests.push(r.url()));
      await joinThroughUi(page, url, name);
      pages.push(page);
    }
    for (const page of pages) {
      await expectLiveVideos(page, 2);
      const audio = await waitFor(
        'audio',
        () => inboundSummary(page),
        (s) => s.audioStreams >= 2 && s.audioBytes > 2000,
      );
      expect(audio.audioStreams).toBeGreaterThanOrEqual(2);
      await expect.poll(() => page.locator('.tile').count()).toBe(3);
    }
    const [ana, bo, cy] = pages as [(typeof pages)[0], (typeof pages)[0], (typeof pages)[0]];
    await cy.getByRole('button', { name: 'Leave' }).click();
    for (const page of [ana, bo]) {
      // Leaves show up for everyone within a second.
      await expect.poll(() => page.locator('.tile').count(), { timeout: 1000 }).toBe(2);
      await expect(page.getByText('Cy left')).toBeTruthy();
    }
    await expectLiveVideos(ana, 1);

    // Privacy: nothing the pages loaded or connected to left the server's origin.
    expect(requests.length).toBeGreaterThan(3);
    const origin = new URL(env.server.url).origin;
    expect(requests.filter((u) => new URL(u).origin !== origin && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
  });
});
