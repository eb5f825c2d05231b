import type { ModerationAction, ServerMessage } from '@sotto/protocol';
import { describe, expect, it } from 'vitest';
import { Bot } from '../../bench/bot/bot.ts';
import { useServer } from '../support/environment.ts';

type Member = Extract<ServerMessage, { type: 'member-updated' }>['member'];

const audioPackets = (bot: Bot) =>
  [...bot.received.values()].filter((s) => s.kind === 'audio').reduce((n, s) => n + s.packets, 0);

async function audioFlows(bot: Bot): Promise<boolean> {
  const before = audioPackets(bot);
  await new Promise((r) => setTimeout(r, 600));
  return audioPackets(bot) > before + 5;
}

const updateOf = (bot: Bot, id: string, check: (m: Member) => boolean) =>
  bot.waitForEvent((m) => m.type === 'member-updated' && m.member.id === id && check(m.member));

/**
 * Roles and moderation, driven by engine-level participants: the first member is the moderator,
 * every moderator action is refused to anyone else (a hostile participant trying each one), and
 * each action has its effect on the server, not only in the moderator's UI.
 */
describe('roles and moderation', () => {
  const env = useServer();

  async function meeting(room: string, names: string[], extra: { e2ee?: boolean } = {}): Promise<Bot[]> {
    const bots: Bot[] = [];
    for (const name of names) {
      const bot = await Bot.join({ serverUrl: env.server.url, room, name, videoBitrate: 0, ...extra });
      env.bots.push(bot);
      bots.push(bot);
    }
    return bots;
  }

  it('the first member moderates; every moderator action is forbidden to a participant and changes nothing', async () => {
    const [mod, eve] = await meeting('mod-forbidden', ['mod', 'eve']);
    if (!mod || !eve) throw new Error('no bots');
    const roles = [...env.server.conference.rooms()]
      .find((r) => r.member(mod.memberId))
      ?.member(eve.memberId)
      ?.info().role;
    expect(roles).toBe('participant');
    const room = [...env.server.conference.rooms()].find((r) => r.member(mod.memberId));
    expect(room?.member(mod.memberId)?.role).toBe('moderator');
    const actions: ModerationAction[] = [
      { type: 'mute', memberId: mod.memberId, kind: 'audio' },
      { type: 'mute-all', kind: 'video' },
      { type: 'ask-unmute', memberId: mod.memberId, kind: 'audio' },
      { type: 'remove', memberId: mod.memberId },
      { type: 'grant-moderator', memberId: eve.memberId },
      { type: 'lower-hand', memberId: mod.memberId },
      { type: 'lock', locked: true },
      { type: 'set-password', password: 'hunter2' },
      { type: 'lobby', enabled: true },
      { type: 'admit', knockId: 'someone' },
      { type: 'deny', knockId: 'someone' },
      { type: 'end-meeting' },
    ];
    for (const action of actions) {
      await expect(eve.request({ type: 'moderate', action }), action.type).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(room?.member(mod.memberId)?.info()).toMatchObject({ audioMuted: false, role: 'moderator' });
    expect(room?.member(eve.memberId)?.role).toBe('participant');
    expect(room?.gate.settings).toEqual({ locked: false, lobby: false, passwordSet: false });
    expect(room?.size).toBe(2);
  });

  it('a muted member is silent for everyone until they unmute themselves; ask-unmute only asks', async () => {
    const options = { serverUrl: env.server.url, room: 'mod-mute', videoBitrate: 0 };
    // Only the speaker sends audio: whatever the listener receives is the speaker's.
    const mod = await Bot.join({ ...options, name: 'mod', audio: false });
    const speaker = await Bot.join({ ...options, name: 'speaker' });
    const listener = await Bot.join({ ...options, name: 'listener', audio: false });
    env.bots.push(mod, speaker, listener);
    speaker.audioLevel = 10;
    // Media connections come up in their own time after the joins.
    await expect.poll(() => audioFlows(listener), { timeout: 10_000 }).toBe(true);
    await mod.request({ type: 'moderate', action: { type: 'mute', memberId: speaker.memberId, kind: 'audio' } });
    await speaker.waitForEvent((m) => m.type === 'moderation' && m.request === 'muted' && m.by === mod.memberId);
    await updateOf(listener, speaker.memberId, (m) => m.audioMuted);
    await new Promise((r) => setTimeout(r, 300));
    // The bot ignores the request and keeps sending: the server forwards none of it.
    expect(await audioFlows(listener)).toBe(false);
    await mod.request({ type: 'moderate', action: { type: 'ask-unmute', memberId: speaker.memberId, kind: 'audio' } });
    await speaker.waitForEvent((m) => m.type === 'moderation' && m.request === 'ask-unmute');
    expect(await audioFlows(listener)).toBe(false);
    await speaker.request({ type: 'mute', kind: 'audio', muted: false });
    await expect.poll(() => audioFlows(listener), { timeout: 5_000 }).toBe(true);

    await mod.request({ type: 'moderate', action: { type: 'mute-all', kind: 'audio' } });
    await updateOf(listener, speaker.memberId, (m) => m.audioMuted);
    await listener.waitForEvent((m) => m.type === 'moderation' && m.request === 'muted');
    expect(mod.events.some((m) => m.type === 'moderation')).toBe(false);
  });

  it('hands: an ordered queue everyone sees, lowered by the person or a moderator only', async () => {
    const [mod, ana, bo] = await meeting('mod-hands', ['mod', 'ana', 'bo']);
    if (!mod || !ana || !bo) throw new Error('no bots');
    await bo.request({ type: 'raise-hand', raised: true });
    await ana.request({ type: 'raise-hand', raised: true });
    const boHand = (await updateOf(mod, bo.memberId, (m) => m.hand !== null)) as { member: Member };
    const anaHand = (await updateOf(mod, ana.memberId, (m) => m.hand !== null)) as { member: Member };
    expect(boHand.member.hand).toBeLessThan(anaHand.member.hand ?? 0);
    // The person sees their own hand too.
    await updateOf(bo, bo.memberId, (m) => m.hand !== null);
    await expect(ana.request({ type: 'moderate', action: { type: 'lower-hand', memberId: bo.memberId } })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await mod.request({ type: 'moderate', action: { type: 'lower-hand', memberId: bo.memberId } });
    await updateOf(ana, bo.memberId, (m) => m.hand === null);
    await ana.request({ type: 'raise-hand', raised: false });
    await updateOf(bo, ana.memberId, (m) => m.hand === null);
  });

  it('remove: the member is told, leaves the MLS group at once, and cannot come back into a locked meeting', async () => {
    const [mod, ana, eve] = await meeting('mod-remove', ['mod', 'ana', 'eve'], { e2ee: true });
    if (!mod || !ana || !eve) throw new Error('no bots');
    const inGroup = (bot: Bot, id: string) => bot.e2ee?.latest?.members.some((m) => m.identity === id) ?? false;
    await expect.poll(() => inGroup(ana, eve.memberId), { timeout: 10_000 }).toBe(true);
    await mod.request({ type: 'moderate', action: { type: 'lock', locked: true } });
    await ana.waitForEvent((m) => m.type === 'room-state' && m.settings.locked);
    await mod.request({ type: 'moderate', action: { type: 'remove', memberId: eve.memberId } });
    expect(await eve.waitForEvent((m) => m.type === 'removed')).toEqual({ type: 'removed', reason: 'kicked' });
    await ana.waitForEvent((m) => m.type === 'member-left' && m.memberId === eve.memberId);
    await expect.poll(() => inGroup(ana, eve.memberId), { timeout: 5000 }).toBe(false);
    await expect(eve.request({ type: 'mute', kind: 'audio', muted: true })).rejects.toMatchObject({ code: 'not-joined' });
    await expect(
      Bot.join({ serverUrl: env.server.url, room: 'mod-remove', name: 'eve again', videoBitrate: 0 }),
    ).rejects.toMatchObject({
      code: 'room-locked',
    });
  });

  it('when the last moderator leaves, the earliest member becomes one; end-meeting ends it for all', async () => {
    const [mod, ana, bo] = await meeting('mod-succession', ['mod', 'ana', 'bo']);
    if (!mod || !ana || !bo) throw new Error('no bots');
    await mod.leave();
    await updateOf(bo, ana.memberId, (m) => m.role === 'moderator');
    await updateOf(ana, ana.memberId, (m) => m.role === 'moderator');
    await ana.request({ type: 'moderate', action: { type: 'grant-moderator', memberId: bo.memberId } });
    await updateOf(bo, bo.memberId, (m) => m.role === 'moderator');
    await bo.request({ type: 'moderate', action: { type: 'end-meeting' } });
    for (const bot of [ana, bo])
      expect(await bot.waitForEvent((m) => m.type === 'removed')).toEqual({ type: 'removed', reason: 'ended' });
    expect([...env.server.conference.rooms()].some((r) => r.member(ana.memberId))).toBe(false);
  });
});
