import { CLOSE_CODES, PROTOCOL_VERSION } from '@sotto/protocol';
import { describe, expect, it } from 'vitest';
import { Bot } from '../../bench/bot/bot.ts';
import { useServer } from '../support/environment.ts';
import { RawSocket } from '../support/raw-socket.ts';

/** Joins over a raw socket; returns it with the member id and resume token. */
async function joinRaw(serverUrl: string, room: string, name: string) {
  const socket = await RawSocket.open(serverUrl);
  await socket.request({ type: 'hello', id: 1, protocol: PROTOCOL_VERSION });
  const reply = await socket.request({ type: 'join', id: 2, room, name });
  const result = reply.result as { self: { id: string }; resumeToken: string };
  return { socket, memberId: result.self.id, token: result.resumeToken };
}

async function resumeRaw(serverUrl: string, token: string) {
  const socket = await RawSocket.open(serverUrl);
  await socket.request({ type: 'hello', id: 1, protocol: PROTOCOL_VERSION });
  return { socket, reply: await socket.request({ type: 'resume', id: 2, token }) };
}

describe('resuming a membership after the socket drops', () => {
  const env = useServer();

  it('a new socket takes the membership back: nobody sees a leave, and what happened meanwhile is delivered', async () => {
    const watcher = await Bot.join({ serverUrl: env.server.url, room: 'resume-room', name: 'w', videoBitrate: 0 });
    env.bots.push(watcher);
    const ana = await joinRaw(env.server.url, 'resume-room', 'Ana');
    ana.socket.ws.terminate(); // no close frame: a network blip, a proxy restart
    await new Promise((r) => setTimeout(r, 300));
    // While Ana is away, Bo joins.
    const bo = await Bot.join({ serverUrl: env.server.url, room: 'resume-room', name: 'Bo', videoBitrate: 0 });
    env.bots.push(bo);
    const { socket, reply } = await resumeRaw(env.server.url, ana.token);
    expect(reply.type).toBe('ok');
    const members = (reply.result as { members: Array<{ id: string; name: string }> }).members;
    expect(members.map((m) => m.name)).toEqual(['w', 'Ana', 'Bo']);
    expect(members[1]?.id).toBe(ana.memberId);
    const seen = (type: string) => socket.messages.find((m) => m.type === type) ?? socket.next((m) => m.type === type);
    const joined = await seen('member-joined');
    expect((joined.member as { name: string }).name).toBe('Bo');
    // The offer still waiting for an answer comes again (the old socket may have lost it).
    await seen('offer');
    await new Promise((r) => setTimeout(r, 300));
    expect(watcher.events.some((m) => m.type === 'member-left')).toBe(false);
    // It speaks for Ana again.
    expect((await socket.request({ type: 'mute', id: 3, kind: 'audio', muted: true })).type).toBe('ok');
    await watcher.waitForEvent((m) => m.type === 'member-updated' && m.member.id === ana.memberId);
    socket.ws.close();
  });

  it('a second socket resuming while the first is still open replaces it', async () => {
    const ana = await joinRaw(env.server.url, 'resume-twice', 'Ana');
    const { socket, reply } = await resumeRaw(env.server.url, ana.token);
    expect(reply.type).toBe('ok');
    expect((await ana.socket.waitClosed()).code).toBe(CLOSE_CODES.replaced);
    socket.ws.close();
  });

  it('an unknown token, or a membership let go, cannot be resumed; a goodbye is a leave at once', async () => {
    const { reply } = await resumeRaw(env.server.url, 'A'.repeat(22));
    expect(reply).toMatchObject({ type: 'error', code: 'not-joined' });
    const watcher = await Bot.join({ serverUrl: env.server.url, room: 'resume-leave', name: 'w', videoBitrate: 0 });
    env.bots.push(watcher);
    const ana = await joinRaw(env.server.url, 'resume-leave', 'Ana');
    const started = Date.now();
    ana.socket.ws.close(1001, 'tab closed'); // a close frame: the person left
    await watcher.waitForEvent((m) => m.type === 'member-left' && m.memberId === ana.memberId, 3000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await resumeRaw(env.server.url, ana.token)).reply).toMatchObject({ type: 'error', code: 'not-joined' });
  });
});
