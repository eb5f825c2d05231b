import { CLOSE_CODES, MAX_FRAME_BYTES, PROTOCOL_VERSION } from '@sotto/protocol';
import type { RunningServer } from '@sotto/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '../../bench/bot/bot.ts';
import { RawSocket } from '../support/raw-socket.ts';
import { startTestServer } from '../support/server.ts';
import { until } from '../support/until.ts';

const ROOM = 'bad-input-room';

describe('bad input on the signaling socket', () => {
  let server: RunningServer;
  const bots: Bot[] = [];

  const packetsOf = (bot: Bot) => [...bot.received.values()].reduce((n, s) => n + s.packets, 0);

  beforeAll(async () => {
    server = await startTestServer({ maxMembersPerRoom: 4 });
    // Two people in a meeting that must not notice any of what follows.
    bots.push(await Bot.join({ serverUrl: server.url, room: ROOM, name: 'a', videoBitrate: 200_000 }));
    bots.push(await Bot.join({ serverUrl: server.url, room: ROOM, name: 'b', videoBitrate: 200_000 }));
    await until('media flows', () => bots.every((b) => b.receivedCounts().video === 1 && b.receivedCounts().audio === 1));
  });
  afterAll(async () => {
    for (const bot of bots) bot.close();
    await server?.close();
  });

  async function hello(): Promise<RawSocket> {
    const socket = await RawSocket.open(server.url);
    expect(await socket.request({ type: 'hello', id: 1, protocol: PROTOCOL_VERSION })).toMatchObject({ type: 'ok' });
    return socket;
  }

  it('answers malformed JSON, unknown types and wrong field types with errors and stays open', async () => {
    const socket = await hello();
    socket.send('{not json');
    expect(await socket.next()).toMatchObject({ type: 'error', id: null, code: 'bad-json' });
    expect(await socket.request({ type: 'teleport', id: 2 })).toMatchObject({ type: 'error', id: 2, code: 'bad-message' });
    expect(await socket.request({ type: 'join', id: 3, room: 42, name: 'x' })).toMatchObject({
      type: 'error',
      id: 3,
      code: 'bad-message',
    });
    expect(await socket.request({ type: 'join', id: 4, room: '../etc', name: 'x' })).toMatchObject({ code: 'bad-message' });
    expect(await socket.request({ type: 'join', id: 5, room: ROOM, name: '' })).toMatchObject({ code: 'bad-message' });
    socket.send('[]');
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'bad-message' });
    socket.send('null');
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'bad-message' });
    expect(socket.closed).toBeNull();
    socket.ws.close();
  });

  it('refuses requests before hello, a second hello, and a wrong protocol version', async () => {
    const early = await RawSocket.open(server.url);
    expect(await early.request({ type: 'join', id: 1, room: ROOM, name: 'x' })).toMatchObject({ code: 'not-hello' });
    expect(await early.request({ type: 'hello', id: 2, protocol: PROTOCOL_VERSION })).toMatchObject({ type: 'ok' });
    expect(await early.request({ type: 'hello', id: 3, protocol: PROTOCOL_VERSION })).toMatchObject({ code: 'already-hello' });
    early.ws.close();

    const old = await RawSocket.open(server.url);
    expect(await old.request({ type: 'hello', id: 1, protocol: 999 })).toMatchObject({ code: 'protocol-version' });
    expect((await old.waitClosed()).code).toBe(CLOSE_CODES.protocolVersion);
  });

  it('refuses joining twice and requests that need a room before join', async () => {
    const socket = await hello();
    expect(await socket.request({ type: 'mute', id: 2, kind: 'audio', muted: true })).toMatchObject({ code: 'not-joined' });
    expect(await socket.request({ type: 'join', id: 3, room: 'another-room', name: 'x' })).toMatchObject({ type: 'ok' });
    expect(await socket.request({ type: 'join', id: 4, room: 'another-room', name: 'x' })).toMatchObject({
      code: 'already-joined',
    });
    expect(await socket.request({ type: 'answer', id: 5, revision: 77, sdp: 'v=0 nonsense sdp' })).toMatchObject({
      code: 'bad-state',
    });
    expect(await socket.request({ type: 'publish', id: 6, source: 'camera', sdp: 'v=0 nonsense sdp' })).toMatchObject({
      code: 'bad-sdp',
    });
    expect(await socket.request({ type: 'relay', id: 7, to: 'nobody', payload: 'AAAA' })).toMatchObject({
      code: 'unknown-member',
    });
    socket.ws.close();
  });

  it('refuses MLS input that is malformed, out of turn or stale, and a meeting without E2EE', async () => {
    const socket = await hello();
    expect(await socket.request({ type: 'join', id: 2, room: 'plain-wanted', name: 'x', e2ee: false })).toMatchObject({
      code: 'e2ee-required',
    });
    expect(await socket.request({ type: 'join', id: 3, room: 'mls-probe-room', name: 'x' })).toMatchObject({ type: 'ok' });
    expect(await socket.request({ type: 'mls-key-package', id: 4, keyPackage: 'not base64!' })).toMatchObject({
      code: 'bad-message',
    });
    expect(await socket.request({ type: 'mls-key-package', id: 5, keyPackage: 'A'.repeat(60_000) })).toMatchObject({
      code: 'bad-message',
    });
    // Nobody asked this member to create the group or to commit.
    expect(await socket.request({ type: 'mls-create', id: 6 })).toMatchObject({ code: 'stale-epoch' });
    expect(
      await socket.request({ type: 'mls-commit', id: 7, epoch: 0, commit: 'AAEAAg==', added: [], removed: ['a'] }),
    ).toMatchObject({ code: 'stale-epoch' });
    expect(await socket.request({ type: 'mls-commit', id: 8, epoch: -1, added: [], removed: [] })).toMatchObject({
      code: 'bad-message',
    });
    expect(socket.closed).toBeNull();
    socket.ws.close();
  });

  it('closes the socket on binary frames (1008) and frames over 64 KiB (1009)', async () => {
    const binary = await hello();
    binary.send(Buffer.from([1, 2, 3]));
    expect((await binary.waitClosed()).code).toBe(CLOSE_CODES.policy);

    const big = await hello();
    big.send(JSON.stringify({ type: 'join', id: 2, room: ROOM, name: 'x'.repeat(MAX_FRAME_BYTES) }));
    expect((await big.waitClosed()).code).toBe(CLOSE_CODES.tooLarge);
  });

  it('rate-limits a flood, then closes it with a policy code', async () => {
    const flood = await hello();
    for (let i = 0; i < 400 && flood.ws.readyState === flood.ws.OPEN; i++)
      flood.send({ type: 'mute', id: 100 + i, kind: 'audio', muted: true });
    expect((await flood.waitClosed()).code).toBe(CLOSE_CODES.policy);
    expect(flood.messages.some((m) => m.code === 'rate-limited')).toBe(true);
  });

  it('tells a newcomer the room is full', async () => {
    const c = await Bot.join({ serverUrl: server.url, room: ROOM, name: 'c', videoBitrate: 0 });
    bots.push(c);
    const d = await Bot.join({ serverUrl: server.url, room: ROOM, name: 'd', videoBitrate: 0 });
    bots.push(d);
    const full = await hello();
    expect(await full.request({ type: 'join', id: 2, room: ROOM, name: 'e' })).toMatchObject({
      type: 'error',
      code: 'room-full',
    });
    full.ws.close();
    await d.leave();
    await c.leave();
    bots.splice(2);
  });

  it('the meeting never noticed: members unchanged, media still flowing', async () => {
    for (const bot of bots) {
      expect(bot.events.filter((e) => e.type === 'member-left').length).toBe(2); // c and d only
      const before = packetsOf(bot);
      await until('media still flows', () => packetsOf(bot) > before + 50, 3000);
    }
    const health = await (await fetch(`${server.url}/health`)).json();
    expect(health.status).toBe('ok');
  });
});
