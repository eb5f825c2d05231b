import type { RunningServer } from '@sotto/server';
import { describe, expect, it } from 'vitest';
import { Bot } from '../../bench/bot/bot.ts';
import { useServer } from '../support/environment.ts';
import { until } from '../support/until.ts';

function roomStats(server: RunningServer) {
  const room = [...server.conference.rooms()][0];
  return room?.stats();
}

describe('8 engine-level bots meet through signaling and the SFU', () => {
  const env = useServer();
  const bots = env.bots;

  it('each receives all 7 others; one leaves and is cleaned up everywhere', async () => {
    for (let i = 0; i < 8; i++) {
      bots.push(await Bot.join({ serverUrl: env.server.url, room: 'bots-room-8', name: `bot${i}`, videoBitrate: 300_000 }));
    }
    const streamsFrom = (bot: Bot, kind: 'audio' | 'video') =>
      [...bot.received.values()].filter((s) => s.kind === kind && s.packets > 10).length;
    await until('every bot receives 7 videos and 7 audios', () =>
      bots.every((b) => streamsFrom(b, 'video') === 7 && streamsFrom(b, 'audio') === 7),
    );
    for (const bot of bots) {
      expect(bot.slots.filter((s) => s.memberId !== null && s.memberId !== bot.memberId)).toHaveLength(14);
      // Every video stream started with a key frame.
      for (const stream of bot.received.values()) if (stream.kind === 'video') expect(stream.keyFrames).toBeGreaterThan(0);
    }
    expect(roomStats(env.server)).toMatchObject({ members: 8, publishers: 16 });

    const leaving = bots.pop() as Bot;
    const leavingId = leaving.memberId;
    await leaving.leave();
    for (const bot of bots) {
      await bot.waitForEvent((m) => m.type === 'member-left' && m.memberId === leavingId, 2000);
      await until('slots released', () => bot.slots.every((s) => s.memberId !== leavingId), 2000);
    }
    expect(roomStats(env.server)).toMatchObject({ members: 7, publishers: 14 });

    // Media keeps flowing between the 7 who stayed.
    const before = bots.map((b) => [...b.received.values()].reduce((n, s) => n + s.packets, 0));
    await new Promise((r) => setTimeout(r, 1000));
    bots.forEach((b, i) => {
      expect([...b.received.values()].reduce((n, s) => n + s.packets, 0)).toBeGreaterThan((before[i] as number) + 100);
    });
  });
});
