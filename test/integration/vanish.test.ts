import { PROTOCOL_VERSION } from '@sotto/protocol';
import type { RunningServer } from '@sotto/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '../../bench/bot/bot.ts';
import { DETACHED_GRACE_MS } from '../../packages/server/src/conference/room.ts';
import { useServer } from '../support/environment.ts';
import { RawSocket } from '../support/raw-socket.ts';
import { startTestServer } from '../support/server.ts';

/** A participant that vanishes without `leave` is removed within 10 s and its media released. */
describe('participants that vanish', () => {
  let server: RunningServer;
  let watcher: Bot;

  beforeAll(async () => {
    server = await startTestServer();
    watcher = await Bot.join({ serverUrl: server.url, room: 'vanish-room', name: 'watcher', videoBitrate: 100_000 });
  });
  afterAll(async () => {
    watcher?.close();
    await server?.close();
  });

  const room = () => [...server.conference.rooms()][0];

  /** Removed within `ms`: 10 s when media dies, longer when only the socket went (it may resume). */
  async function expectRemovedWithin(victim: Bot, ms: number): Promise<number> {
    const start = Date.now();
    await watcher.waitForEvent((m) => m.type === 'member-left' && m.memberId === victim.memberId, ms);
    const elapsed = Date.now() - start;
    expect(room()?.stats()).toMatchObject({ members: 1, publishers: 2 });
    expect(watcher.slots.every((s) => s.memberId !== victim.memberId)).toBe(true);
    return elapsed;
  }

  it('socket closed abruptly (tab killed): kept for the resume grace, then removed', async () => {
    const victim = await Bot.join({ serverUrl: server.url, room: 'vanish-room', name: 'v1', videoBitrate: 100_000 });
    await watcher.waitForEvent(
      (m) => m.type === 'tracks' && m.slots.some((s) => s.memberId === victim.memberId && s.kind === 'video'),
    );
    victim.close();
    const elapsed = await expectRemovedWithin(victim, DETACHED_GRACE_MS + 5000);
    // Not at once (it may come back): its media going silent (8.5 s) or the grace ends it.
    expect(elapsed).toBeGreaterThan(5000);
  });

  it('media dead for good while the socket stays open: one media restart, then removed', async () => {
    const victim = await Bot.join({ serverUrl: server.url, room: 'vanish-room', name: 'v2', videoBitrate: 100_000 });
    await watcher.waitForEvent(
      (m) => m.type === 'tracks' && m.slots.some((s) => s.memberId === victim.memberId && s.kind === 'video'),
    );
    await new Promise((r) => setTimeout(r, 500));
    victim.stopMedia();
    // Silent media (8.5 s) earns a restart; its offer is never answered (8 s), which ends it.
    await expectRemovedWithin(victim, 20_000);
    expect(victim.events.filter((m) => m.type === 'media-restart')).toHaveLength(1);
    victim.close();
  });

  it('socket silent (no heartbeat answers): frozen tab or dead network', async () => {
    const victim = await Bot.join({ serverUrl: server.url, room: 'vanish-room', name: 'v3', videoBitrate: 0, audio: false });
    await watcher.waitForEvent((m) => m.type === 'member-joined' && m.member.id === victim.memberId);
    victim.freeze();
    // The heartbeat cuts it off within 8 s, then the resume grace runs out.
    await expectRemovedWithin(victim, 8000 + DETACHED_GRACE_MS + 2000);
    victim.close();
  });
});

describe('a client that never answers the server’s offer', () => {
  const env = useServer();

  it('is removed within 10 s, and the others are told', async () => {
    const watcher = await Bot.join({ serverUrl: env.server.url, room: 'mute-client-room', name: 'w', videoBitrate: 0 });
    env.bots.push(watcher);
    const silent = await RawSocket.open(env.server.url);
    await silent.request({ type: 'hello', id: 1, protocol: PROTOCOL_VERSION });
    const joined = await silent.request({ type: 'join', id: 2, room: 'mute-client-room', name: 'silent' });
    const memberId = (joined.result as { self: { id: string } }).self.id;
    if (!silent.messages.some((m) => m.type === 'offer')) await silent.next((m) => m.type === 'offer');
    const start = Date.now();
    await watcher.waitForEvent((m) => m.type === 'member-left' && m.memberId === memberId, 10_000);
    expect(Date.now() - start).toBeLessThan(10_000);

    // The room let go of it: its session is told, and is no zombie — every request is refused,
    // and nothing it sends reaches anyone.
    const removed = silent.messages.find((m) => m.type === 'removed') ?? (await silent.next((m) => m.type === 'removed'));
    expect(removed).toEqual({ type: 'removed', reason: 'media-lost' });
    const requests: Array<Record<string, unknown>> = [
      { type: 'relay', payload: 'aGVsbG8=' },
      { type: 'mute', kind: 'audio', muted: true },
      { type: 'view', sources: [] },
      { type: 'pin', memberIds: [] },
      { type: 'restart-media' },
      { type: 'mls-key-package', keyPackage: 'AAAAAAAA' },
      { type: 'mls-create' },
      { type: 'mls-commit', epoch: 0, added: [], removed: [] },
      { type: 'p2p-signal', session: 1, candidate: { candidate: 'candidate:x', mid: '0' } },
      { type: 'answer', revision: 1, sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n' },
      { type: 'candidate', connection: 'main', candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', mid: '0' },
      { type: 'unpublish', source: 'camera' },
    ];
    let id = 10;
    for (const request of requests) {
      const reply = await silent.request({ ...request, id: id++ });
      expect([request.type, reply.type, reply.code]).toEqual([request.type, 'error', 'not-joined']);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(watcher.events.some((m) => m.type === 'relay' || (m.type === 'member-updated' && m.member.id === memberId))).toBe(
      false,
    );
    silent.ws.close();
  });
});
