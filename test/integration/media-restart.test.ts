import { describe, expect, it } from 'vitest';
import { Bot } from '../../bench/bot/bot.ts';
import { MEDIA_RESTART_BUDGET } from '../../packages/server/src/conference/member.ts';
import { useServer } from '../support/environment.ts';

/** Resolves once `bot` has received more than `after` video packets from `from`. */
async function videoFlowsFrom(bot: Bot, from: Bot, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const videoFrom = () => bot.slots.find((s) => s.memberId === from.memberId && s.kind === 'video');
  const packets = () => [...bot.received.values()].filter((s) => s.kind === 'video').reduce((n, s) => n + s.packets, 0);
  while (!videoFrom() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const before = packets();
  while (packets() < before + 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (packets() < before + 30) throw new Error(`${bot.options.name} gets no video from ${from.options.name}`);
}

/**
 * A member whose media connections die while its signaling works gets new ones from the server
 * (`media-restart`), keeping its membership: the others see no leave and no join, and media flows
 * again both ways.
 */
describe('media restart', () => {
  const env = useServer();

  it('the server replaces a dead media connection; nobody sees a leave, and video flows again', async () => {
    const options = { serverUrl: env.server.url, room: 'restart-room', videoBitrate: 100_000, fps: 15 };
    const watcher = await Bot.join({ ...options, name: 'watcher' });
    const victim = await Bot.join({ ...options, name: 'victim' });
    env.bots.push(watcher, victim);
    await videoFlowsFrom(watcher, victim);
    await videoFlowsFrom(victim, watcher);

    const brokenAt = Date.now();
    const seenBefore = watcher.events.length;
    victim.breakMedia();
    await victim.waitForEvent((m) => m.type === 'media-restart', 12_000);
    const restartedAt = Date.now();
    await videoFlowsFrom(watcher, victim);
    await videoFlowsFrom(victim, watcher);
    const seconds = (from: number) => ((Date.now() - from) / 1000).toFixed(2);
    console.log(
      `media restarted by the server ${((restartedAt - brokenAt) / 1000).toFixed(2)} s after it broke; video flows again ${seconds(restartedAt)} s after the restart`,
    );
    expect(victim.mediaRestarts).toBe(1);
    const seenSince = watcher.events.slice(seenBefore);
    expect(seenSince.some((m) => m.type === 'member-left' || m.type === 'member-joined')).toBe(false);
    const room = [...env.server.conference.rooms()].find((r) => r.member(victim.memberId));
    expect(room?.stats()).toMatchObject({ members: 2, publishers: 4 });
  });

  it('on request, within a budget: then `rate-limited`, and the member is still in the meeting', async () => {
    const options = { serverUrl: env.server.url, room: 'restart-budget', videoBitrate: 100_000, fps: 15 };
    const watcher = await Bot.join({ ...options, name: 'watcher' });
    const asker = await Bot.join({ ...options, name: 'asker' });
    env.bots.push(watcher, asker);
    const offers = () => asker.events.filter((m) => m.type === 'offer').map((m) => (m.type === 'offer' ? m.revision : -1));
    for (let i = 1; i <= MEDIA_RESTART_BUDGET.burst; i++) {
      const lastRevision = Math.max(...offers());
      await asker.request({ type: 'restart-media' });
      await asker.waitForEvent((m) => m.type === 'offer' && m.revision > lastRevision);
      expect(asker.mediaRestarts).toBe(i);
    }
    await expect(asker.request({ type: 'restart-media' })).rejects.toMatchObject({ code: 'rate-limited' });
    // The old connection's offers are over: an answer to one of them is refused.
    await expect(asker.request({ type: 'answer', revision: 1, sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n' })).rejects.toMatchObject({
      code: 'bad-state',
    });
    await videoFlowsFrom(watcher, asker);
    await videoFlowsFrom(asker, watcher);
    expect(watcher.events.some((m) => m.type === 'member-left')).toBe(false);
  });
});
