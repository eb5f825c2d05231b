import { SignJWT } from 'jose';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinThroughUi, newPage } from '../support/browser.ts';
import type { EmbedHost } from '../support/embed-host.ts';
import { startEmbedHost } from '../support/embed-host.ts';
import { useServerAndBrowser } from '../support/environment.ts';
import { sumInboundStat } from '../support/inbound-stat.ts';

// Embedding pages on fixed ports (19xxx: this file's range), so the server's allow-list can name one.
const ALLOWED_PORT = 19_100 + Math.floor(Math.random() * 400);
const OTHER_PORT = ALLOWED_PORT + 500;

type Logged = { name: string; data: Record<string, unknown> };
const events = (page: Page) => page.evaluate(() => (window as unknown as { events: Logged[] }).events);
const named = async (page: Page, name: string) => (await events(page)).filter((e) => e.name === name);

/** Bo's total received audio energy from everyone (grows while someone is heard). */
const heardEnergy = (page: Page) => page.evaluate(sumInboundStat, { kind: 'audio', field: 'totalAudioEnergy' });

async function energyOver(page: Page, ms: number): Promise<number> {
  const before = await heardEnergy(page);
  await new Promise((r) => setTimeout(r, ms));
  return (await heardEnergy(page)) - before;
}

const meetingFrame = (page: Page, sotto: string): Frame | undefined => page.frames().find((f) => f.url().startsWith(sotto));

describe('the iframe API, from a page on another origin', () => {
  let allowed: EmbedHost;
  let other: EmbedHost;
  let sottoUrl = '';
  const env = useServerAndBrowser({ embedOrigins: [`http://127.0.0.1:${ALLOWED_PORT}`] });
  beforeAll(async () => {
    sottoUrl = env.server.url;
    other = await startEmbedHost(OTHER_PORT, () => sottoUrl);
    allowed = await startEmbedHost(ALLOWED_PORT, () => sottoUrl, other.origin);
  });
  afterAll(async () => {
    await allowed?.close();
    await other?.close();
  });

  it('embeds, joins, reports who joins, toggles audio for the others, and hangs up', async () => {
    const { page: ana } = await newPage(env.browser, env.server.url);
    await ana.goto(`${allowed.origin}/?room=embedded-room&name=Ana`);
    await expect.poll(() => named(ana, 'videoConferenceJoined'), { timeout: 20_000 }).toHaveLength(1);
    const [joined] = await named(ana, 'videoConferenceJoined');
    expect(joined?.data).toMatchObject({ roomName: 'embedded-room', displayName: 'Ana' });

    const { page: bo } = await newPage(env.browser, env.server.url);
    await joinThroughUi(bo, `${env.server.url}/embedded-room`, 'Bo');
    await expect.poll(async () => (await named(ana, 'participantJoined')).map((e) => e.data.displayName)).toEqual(['Bo']);
    expect(
      await ana.evaluate(() =>
        (window as unknown as { api: { getParticipantsInfo(): { displayName: string }[] } }).api
          .getParticipantsInfo()
          .map((p) => p.displayName)
          .sort(),
      ),
    ).toEqual(['Ana', 'Bo']);

    // toggleAudio: Bo hears Ana, then nothing.
    await expect.poll(() => energyOver(bo, 1500), { timeout: 15_000 }).toBeGreaterThan(0.001);
    expect(
      await ana.evaluate(() => (window as unknown as { api: { isAudioMuted(): Promise<boolean> } }).api.isAudioMuted()),
    ).toBe(false);
    await ana.evaluate(() =>
      (window as unknown as { api: { executeCommand(n: string): void } }).api.executeCommand('toggleAudio'),
    );
    await expect.poll(async () => (await named(ana, 'audioMuteStatusChanged')).at(-1)?.data.muted).toBe(true);
    await expect.poll(() => energyOver(bo, 1500), { timeout: 10_000 }).toBeLessThan(0.0001);
    expect(
      await ana.evaluate(() => (window as unknown as { api: { isAudioMuted(): Promise<boolean> } }).api.isAudioMuted()),
    ).toBe(true);

    // The intruder framed beside the meeting (another origin) tries hello, toggleAudio and hangup: nothing happens.
    const intruder = ana.frames().find((f) => f.url().startsWith(other.origin));
    if (!intruder) throw new Error('the intruder frame did not load');
    await intruder.evaluate(() => window.postMessage('attack', '*'));
    // Nothing should happen, so there is nothing to wait for: give the messages time to arrive.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await named(ana, 'audioMuteStatusChanged')).at(-1)?.data.muted).toBe(true);
    expect(await named(ana, 'readyToClose')).toHaveLength(0);

    // What Sotto cannot do is said, not faked.
    await ana.evaluate(() => {
      const api = (window as unknown as { api: { executeCommand(n: string, ...a: unknown[]): void } }).api;
      api.executeCommand('displayName', 'Someone else');
      api.executeCommand('startRecording');
    });
    await expect
      .poll(async () => (await named(ana, 'errorOccurred')).map((e) => (e.data.error as { message: string }).message))
      .toEqual(['the display name cannot change during a meeting in Sotto', 'unsupported command: startRecording']);

    await ana.evaluate(() => (window as unknown as { api: { executeCommand(n: string): void } }).api.executeCommand('hangup'));
    await expect.poll(() => named(ana, 'readyToClose')).toHaveLength(1);
    await expect.poll(() => bo.locator('.tile').count()).toBe(1);
  });

  it('a page on an origin not on the allow-list can neither frame the meeting nor drive it', async () => {
    const { page } = await newPage(env.browser, env.server.url);
    await page.goto(`${other.origin}/?room=embedded-room-2&name=Eve`);
    // Chromium shows its error page in the frame: the server is up, the CSP's frame-ancestors said no.
    await expect.poll(() => page.frames().map((f) => f.url())).toContain('chrome-error://chromewebdata/');
    // The browser refused to show the meeting in the frame (CSP frame-ancestors): no app, no join.
    const frame = meetingFrame(page, sottoUrl);
    const joinForm = frame
      ? await frame
          .locator('form.join-form')
          .count()
          .catch(() => 0)
      : 0;
    expect(joinForm).toBe(0);
    expect(await events(page)).toEqual([]);
    const response = await fetch(`${sottoUrl}/embedded-room-2`);
    expect(response.headers.get('content-security-policy')).toContain(`frame-ancestors 'self' http://127.0.0.1:${ALLOWED_PORT}`);
  });
});

describe('the iframe API with room tokens', () => {
  const SECRET = 'an embedding test secret, long enough for HS256';
  let host: EmbedHost;
  let sottoUrl = '';
  const env = useServerAndBrowser({ embedOrigins: [`http://127.0.0.1:${ALLOWED_PORT + 1}`], auth: 'all', jwtSecret: SECRET });
  beforeAll(async () => {
    sottoUrl = env.server.url;
    host = await startEmbedHost(ALLOWED_PORT + 1, () => sottoUrl);
  });
  afterAll(() => host?.close());

  it('the jwt option reaches the meeting by message, never in a URL, and makes its holder a moderator', async () => {
    const jwt = await new SignJWT({ room: 'tokened-room', context: { user: { name: 'Ms Rivera', moderator: true } } })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('sotto')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const { page } = await newPage(env.browser, env.server.url);
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    page.on('websocket', (ws) => urls.push(ws.url()));
    await page.goto(`${host.origin}/?room=tokened-room&name=Typed&jwt=${jwt}`);
    await expect.poll(() => named(page, 'videoConferenceJoined'), { timeout: 20_000 }).toHaveLength(1);
    expect((await named(page, 'participantRoleChanged')).at(-1)?.data.role).toBe('moderator');
    expect(
      urls.filter((u) => u.startsWith(sottoUrl.replace(/^http/, 'ws')) || u.startsWith(sottoUrl)).filter((u) => u.includes(jwt)),
    ).toEqual([]);
  });
});
