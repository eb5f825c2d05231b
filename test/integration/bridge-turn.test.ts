import { PROTOCOL_VERSION } from '@sotto/protocol';
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/environment.ts';
import { RawSocket } from '../support/raw-socket.ts';

const TURN = { urls: ['turn:turn.example.org:3478'], secret: 'a shared secret of some length', ttlSeconds: 600 };

async function joined(serverUrl: string, room: string): Promise<{ socket: RawSocket; result: Record<string, unknown> }> {
  const socket = await RawSocket.open(serverUrl);
  await socket.request({ type: 'hello', id: 1, protocol: PROTOCOL_VERSION });
  const reply = await socket.request({ type: 'join', id: 2, room, name: 'Member' });
  expect(reply.type).toBe('ok');
  return { socket, result: reply.result as Record<string, unknown> };
}

/** TURN credentials for the bridge connections: with the join, a media restart, and on request. */
describe('TURN for the connections to the bridge', () => {
  describe('with TURN configured', () => {
    const env = useServer({ turn: TURN });

    it('the join hands out TURN REST credentials for this member; `ice-servers` gives fresh ones', async () => {
      const { socket, result } = await joined(env.server.url, 'bridge-turn-room');
      const [server] = result.iceServers as Array<{ urls: string[]; username: string; credential: string }>;
      expect(server?.urls).toEqual(TURN.urls);
      const [expiry, memberId] = (server?.username ?? '').split(':');
      expect(memberId).toBe((result.self as { id: string }).id);
      expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(590);
      const fresh = await socket.request({ type: 'ice-servers', id: 3 });
      expect(fresh).toMatchObject({ type: 'ok', result: { iceServers: [{ urls: TURN.urls }] } });
      socket.ws.close();
    });

    it('a media restart brings fresh credentials for the new connections', async () => {
      const { socket } = await joined(env.server.url, 'bridge-turn-restart');
      expect(await socket.request({ type: 'restart-media', id: 3 })).toMatchObject({ type: 'ok' });
      // The event goes out before the reply (the client must replace its connections first).
      const restart = socket.messages.find((m) => m.type === 'media-restart') ?? {};
      expect((restart.iceServers as Array<{ urls: string[] }>)[0]?.urls).toEqual(TURN.urls);
      socket.ws.close();
    });
  });

  describe('without TURN', () => {
    const env = useServer();

    it('the join carries no TURN servers, and `ice-servers` answers with none', async () => {
      const { socket, result } = await joined(env.server.url, 'no-turn-room');
      expect(result.iceServers).toBeUndefined();
      expect(await socket.request({ type: 'ice-servers', id: 3 })).toMatchObject({ type: 'ok', result: { iceServers: [] } });
      socket.ws.close();
    });
  });
});
