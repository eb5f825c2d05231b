import { PROTOCOL_VERSION } from '@sotto/protocol';
import type { DataChannel, PeerConnection } from 'node-datachannel';
import nodeDataChannel from 'node-datachannel';
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/environment.ts';
import { RawSocket } from '../support/raw-socket.ts';
import { until } from '../support/until.ts';

async function greeted(serverUrl: string): Promise<RawSocket> {
  const socket = await RawSocket.open(serverUrl);
  await socket.request({ type: 'hello', id: 1, protocol: PROTOCOL_VERSION });
  return socket;
}

/** A browser-like peer with one data channel, as the /doctor page makes. */
async function dataChannelPeer(): Promise<{
  pc: PeerConnection;
  channel: DataChannel;
  offer: string;
}> {
  const pc = new nodeDataChannel.PeerConnection('probe-client', { iceServers: [] });
  const offer = new Promise<string>((resolve) => {
    pc.onGatheringStateChange((state) => {
      if (state === 'complete') resolve(pc.localDescription()?.sdp ?? '');
    });
  });
  const channel = pc.createDataChannel('probe', { unordered: true, maxRetransmits: 0 });
  return { pc, channel, offer: await offer };
}

/** The connection test (`probe`): the media port echoes, and a stranger cannot turn it into a load. */
describe('network probe', () => {
  const env = useServer({
    turn: { urls: ['turn:turn.example.org:3478'], secret: 'a shared secret of some length', ttlSeconds: 600 },
  });

  it('answers a data-channel offer without a meeting and echoes what it gets', async () => {
    const socket = await greeted(env.server.url);
    const { pc, channel, offer } = await dataChannelPeer();
    const reply = await socket.request({ type: 'probe', id: 2, sdp: offer });
    expect(reply.type).toBe('ok');
    pc.setRemoteDescription((reply.result as { sdp: string }).sdp, 'answer');
    const echoes: string[] = [];
    channel.onMessage((m: string | Buffer | ArrayBuffer) => echoes.push(Buffer.from(m as Buffer).toString()));
    await until('the channel opens', () => channel.isOpen(), 10_000);
    for (let i = 0; i < 5; i++) channel.sendMessageBinary(Buffer.from(`ping ${i}`));
    await until('five echoes', () => echoes.length === 5, 5000);
    expect(echoes.sort()).toEqual(['ping 0', 'ping 1', 'ping 2', 'ping 3', 'ping 4']);
    pc.close();
    socket.ws.close();
  });

  it('refuses an offer with media, and more than six attempts on one socket', async () => {
    const socket = await greeted(env.server.url);
    const media = new nodeDataChannel.PeerConnection('probe-media', { iceServers: [] });
    media.addTrack(new nodeDataChannel.Audio('0', 'SendRecv'));
    media.setLocalDescription();
    await until('an audio offer', () => media.localDescription() !== null);
    const refused = await socket.request({ type: 'probe', id: 2, sdp: media.localDescription()?.sdp });
    expect(refused).toMatchObject({ type: 'error', code: 'bad-sdp' });
    media.close();
    const peers = [];
    // The refused offer was the first of six attempts.
    for (let i = 0; i < 5; i++) {
      const peer = await dataChannelPeer();
      peers.push(peer.pc);
      expect((await socket.request({ type: 'probe', id: 10 + i, sdp: peer.offer })).type).toBe('ok');
    }
    const seventh = await dataChannelPeer();
    expect(await socket.request({ type: 'probe', id: 20, sdp: seventh.offer })).toMatchObject({
      type: 'error',
      code: 'rate-limited',
    });
    for (const pc of [...peers, seventh.pc]) pc.close();
    socket.ws.close();
  });

  it('before a join, TURN credentials are a probe’s: one minute, no member id', async () => {
    const socket = await greeted(env.server.url);
    const reply = await socket.request({ type: 'ice-servers', id: 2 });
    const [server] = (reply.result as { iceServers: Array<{ username: string }> }).iceServers;
    const [expiry, id] = (server?.username ?? '').split(':');
    expect(id).toMatch(/^probe-/);
    expect(Number(expiry) - Date.now() / 1000).toBeLessThanOrEqual(60);
    socket.ws.close();
  });
});
