import { PROTOCOL_VERSION } from '@sotto/protocol';
import { describe, expect, it } from 'vitest';
import { Bot } from '../../bench/bot/bot.ts';
import { useServer } from '../support/environment.ts';
import { RawSocket } from '../support/raw-socket.ts';

let nextId = 10;
const id = () => nextId++;

async function newcomer(serverUrl: string): Promise<RawSocket> {
  const socket = await RawSocket.open(serverUrl);
  await socket.request({ type: 'hello', id: id(), protocol: PROTOCOL_VERSION });
  return socket;
}

/** The `n`th message (1-based, counting those already received) that matches. */
async function nth(socket: RawSocket, n: number, match: (m: Record<string, unknown>) => boolean) {
  const deadline = Date.now() + 3000;
  for (;;) {
    const found = socket.messages.filter(match)[n - 1];
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no message number ${n} of that kind`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const isAnswer = (m: Record<string, unknown>) => m.type === 'knock-answer';

const join = (socket: RawSocket, room: string, extra: Record<string, unknown> = {}) =>
  socket.request({ type: 'join', id: id(), room, name: 'Newcomer', ...extra });

/** Who may come in: passwords (with guessing budgets), the lobby, the lock — each tried by a stranger. */
describe('lobby, password and lock', () => {
  const env = useServer();

  async function moderator(room: string): Promise<Bot> {
    const bot = await Bot.join({ serverUrl: env.server.url, room, name: 'mod', videoBitrate: 0, audio: false });
    env.bots.push(bot);
    return bot;
  }

  it('a password: required, wrong ones refused and budgeted per connection and per meeting', async () => {
    const mod = await moderator('pw-room');
    await mod.request({ type: 'moderate', action: { type: 'set-password', password: 'correct horse' } });
    const a = await newcomer(env.server.url);
    expect(await join(a, 'pw-room')).toMatchObject({ code: 'password-required' });
    for (let i = 0; i < 3; i++)
      expect(await join(a, 'pw-room', { password: `guess ${i}` })).toMatchObject({ code: 'wrong-password' });
    // This connection's budget is spent: even the right password waits.
    expect(await join(a, 'pw-room', { password: 'correct horse' })).toMatchObject({ code: 'rate-limited' });
    const b = await newcomer(env.server.url);
    for (let i = 0; i < 2; i++)
      expect(await join(b, 'pw-room', { password: `more ${i}` })).toMatchObject({ code: 'wrong-password' });
    // Five wrong in the meeting: its budget is spent for everyone, for a moment.
    const c = await newcomer(env.server.url);
    expect(await join(c, 'pw-room', { password: 'correct horse' })).toMatchObject({ code: 'rate-limited' });
    await new Promise((r) => setTimeout(r, 2100));
    const joined = await join(c, 'pw-room', { password: 'correct horse' });
    expect(joined.type).toBe('ok');
    expect((joined.result as { settings: unknown }).settings).toEqual({ locked: false, lobby: false, passwordSet: true });
    for (const s of [a, b, c]) s.ws.close();
  });

  it('the lobby: knockers learn nothing, moderators see them, admit or deny; a ticket works once', async () => {
    const mod = await moderator('lobby-room');
    await mod.request({ type: 'moderate', action: { type: 'lobby', enabled: true } });
    const knocker = await newcomer(env.server.url);
    expect(await join(knocker, 'lobby-room')).toMatchObject({ code: 'in-lobby' });
    const knock = await knocker.request({ type: 'knock', id: id(), room: 'lobby-room', name: 'Knocker' });
    expect(knock).toMatchObject({ type: 'ok', result: {} });
    const seen = await mod.waitForEvent((m) => m.type === 'lobby' && m.knocking.length === 1);
    const { knockId, name } = (seen as { knocking: Array<{ knockId: string; name: string }> }).knocking[0] ?? {
      knockId: '',
      name: '',
    };
    expect(name).toBe('Knocker');
    // While knocking, nothing about the meeting reaches the knocker: no names, no events.
    expect(knocker.messages.filter((m) => m.type !== 'ok' && m.type !== 'error')).toEqual([]);
    expect(JSON.stringify(knocker.messages)).not.toContain(mod.memberId);
    await mod.request({ type: 'moderate', action: { type: 'deny', knockId } });
    expect(await nth(knocker, 1, isAnswer)).toEqual({ type: 'knock-answer', admitted: false });

    await knocker.request({ type: 'knock', id: id(), room: 'lobby-room', name: 'Knocker' });
    const again = await mod.waitForEvent(
      (m) => m.type === 'lobby' && m.knocking.length === 1 && m.knocking[0]?.knockId !== knockId,
    );
    const secondId = (again as { knocking: Array<{ knockId: string }> }).knocking[0]?.knockId ?? '';
    await mod.request({ type: 'moderate', action: { type: 'admit', knockId: secondId } });
    const answer = (await nth(knocker, 2, isAnswer)) as { admitted: boolean; ticket: string };
    expect(answer.admitted).toBe(true);
    expect((await join(knocker, 'lobby-room', { ticket: answer.ticket })).type).toBe('ok');
    const thief = await newcomer(env.server.url);
    expect(await join(thief, 'lobby-room', { ticket: answer.ticket })).toMatchObject({ code: 'in-lobby' });

    // A knocker who goes away disappears from the moderators' list.
    const quitter = await newcomer(env.server.url);
    await quitter.request({ type: 'knock', id: id(), room: 'lobby-room', name: 'Quitter' });
    await mod.waitForEvent((m) => m.type === 'lobby' && m.knocking.some((k) => k.name === 'Quitter'));
    quitter.ws.close();
    const lobbyEvents = () => mod.events.filter((m) => m.type === 'lobby');
    await expect.poll(() => lobbyEvents().at(-1)).toEqual({ type: 'lobby', knocking: [] });
    for (const s of [knocker, thief]) s.ws.close();
  });

  it('a locked meeting lets nobody new in, by join or by knock', async () => {
    const mod = await moderator('locked-room');
    await mod.request({ type: 'moderate', action: { type: 'lock', locked: true } });
    const stranger = await newcomer(env.server.url);
    expect(await join(stranger, 'locked-room')).toMatchObject({ code: 'room-locked' });
    expect(await stranger.request({ type: 'knock', id: id(), room: 'locked-room', name: 'S' })).toMatchObject({
      code: 'room-locked',
    });
    await mod.request({ type: 'moderate', action: { type: 'lock', locked: false } });
    expect((await join(stranger, 'locked-room')).type).toBe('ok');
    stranger.ws.close();
  });
});
