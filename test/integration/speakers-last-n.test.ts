import { describe, expect, it } from 'vitest';
import { Bot } from '../../bench/bot/bot.ts';
import { useServer } from '../support/environment.ts';
import { until } from '../support/until.ts';

const videoFrom = (bot: Bot) => new Set(bot.slots.filter((s) => s.kind === 'video' && s.memberId).map((s) => s.memberId));
const audioFrom = (bot: Bot) => new Set(bot.slots.filter((s) => s.kind === 'audio' && s.memberId).map((s) => s.memberId));

describe('dominant speaker and last-N', () => {
  const env = useServer({ lastN: 2, audioLastN: 2 });

  it('whoever speaks becomes the dominant speaker, without flapping, and takes a last-N place', async () => {
    const bots = env.bots;
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      bots.push(await Bot.join({ serverUrl: env.server.url, room: 'speakers-room', name, videoBitrate: 100_000 }));
    }
    const [a, b, c, d, e] = bots as [Bot, Bot, Bot, Bot, Bot];
    // Quiet room: each receives 2 of 4 videos and 2 of 4 audios, the earliest joined.
    await until('last-N applied', () => bots.every((bot) => videoFrom(bot).size === 2 && audioFrom(bot).size === 2)).catch(
      (e) => {
        console.log(bots.map((b) => [videoFrom(b).size, audioFrom(b).size, b.slots.length]));
        throw e;
      },
    );
    expect([...videoFrom(e)].sort()).toEqual([a.memberId, b.memberId].sort());

    // d speaks: everyone hears of it, and everyone else now gets d's video and audio.
    d.audioLevel = 20;
    await a.waitForEvent((m) => m.type === 'speaker' && m.memberId === d.memberId, 3000);
    await until('d in everyone’s last-N', () =>
      [a, b, c, e].every((bot) => videoFrom(bot).has(d.memberId) && audioFrom(bot).has(d.memberId)),
    );
    await until('video actually flows from d', () => [...e.received.values()].some((s) => s.kind === 'video' && s.packets > 20));

    // c talks over d only briefly (shorter than the hold time): d stays dominant.
    c.audioLevel = 10;
    await new Promise((r) => setTimeout(r, 300));
    c.audioLevel = 127;
    await new Promise((r) => setTimeout(r, 1200));
    const speakerEvents = a.events.filter((m) => m.type === 'speaker');
    expect(speakerEvents.at(-1)).toMatchObject({ memberId: d.memberId });

    // d stops and c speaks for real: c takes over after the hold time.
    d.audioLevel = 127;
    c.audioLevel = 10;
    await a.waitForEvent((m) => m.type === 'speaker' && m.memberId === c.memberId, 4000);
  });

  it('a pinned member keeps their video place', async () => {
    const [a, b, , , e] = env.bots as [Bot, Bot, Bot, Bot, Bot];
    await a.request({ type: 'pin', memberIds: [e.memberId] });
    await until('a gets e’s video', () => videoFrom(a).has(e.memberId));
    expect(videoFrom(a).size).toBe(2);
    // Others are unaffected by a's pin.
    expect(videoFrom(b).has(e.memberId)).toBe(false);
  });
});
