import { PROTOCOL_VERSION } from '@sotto/protocol';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { useServer } from '../support/environment.ts';
import { RawSocket } from '../support/raw-socket.ts';

/** Opens a signaling socket with the given headers; resolves with the socket or the HTTP status that refused it. */
function connect(serverUrl: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  const ws = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}/ws`, { headers });
  return new Promise((resolve) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
}

describe('admission: who may open a signaling socket', () => {
  const env = useServer({
    maxSocketsPerAddress: 3,
    maxSockets: 1000,
    maxRooms: 2,
    allowedOrigins: ['https://app.example.org'],
  });

  it("accepts the server's own pages and allowed origins, refuses other sites' pages", async () => {
    const host = new URL(env.server.url).host;
    const own = await connect(env.server.url, { Origin: `http://${host}` });
    expect(own).toBeInstanceOf(WebSocket);
    const allowed = await connect(env.server.url, { Origin: 'https://app.example.org' });
    expect(allowed).toBeInstanceOf(WebSocket);
    expect(await connect(env.server.url, { Origin: 'https://evil.example.net' })).toBe(403);
    expect(await connect(env.server.url, { Origin: 'null' })).toBe(403);
    for (const ws of [own, allowed]) (ws as WebSocket).close();
  });

  it('caps the sockets from one address; a closed one frees its place', async () => {
    await new Promise((r) => setTimeout(r, 100)); // the previous test's sockets are closed
    const open = await Promise.all([connect(env.server.url), connect(env.server.url), connect(env.server.url)]);
    for (const ws of open) expect(ws).toBeInstanceOf(WebSocket);
    expect(await connect(env.server.url)).toBe(503);
    (open[0] as WebSocket).close();
    await new Promise((r) => setTimeout(r, 100));
    const again = await connect(env.server.url);
    expect(again).toBeInstanceOf(WebSocket);
    for (const ws of [...open.slice(1), again]) (ws as WebSocket).close();
  });

  it('caps the number of meetings', async () => {
    await new Promise((r) => setTimeout(r, 100));
    const sockets: RawSocket[] = [];
    const join = async (room: string) => {
      const socket = await RawSocket.open(env.server.url);
      sockets.push(socket);
      await socket.request({ type: 'hello', id: 1, protocol: PROTOCOL_VERSION });
      return socket.request({ type: 'join', id: 2, room, name: 'n' });
    };
    expect((await join('room-one')).type).toBe('ok');
    expect((await join('room-two')).type).toBe('ok');
    expect(await join('room-three')).toMatchObject({ type: 'error', code: 'server-busy' });
    for (const s of sockets) s.ws.close();
  });
});
