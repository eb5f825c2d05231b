import { describe, expect, it } from 'vitest';
import { BridgeIceServers } from '../src/ice-servers.ts';
import type { SignalingRequester } from '../src/signaling-client.ts';

const server = (expiresInSeconds: number, id = 'member') => ({
  urls: ['turn:turn.example.org:3478'],
  username: `${Math.floor(Date.now() / 1000) + expiresInSeconds}:${id}`,
  credential: 'c',
});

function signaling(reply: ReturnType<typeof server>[]): SignalingRequester & { asked: number } {
  const fake = {
    asked: 0,
    async request() {
      fake.asked++;
      return { iceServers: reply };
    },
  };
  return fake as unknown as SignalingRequester & { asked: number };
}

describe('TURN servers for the bridge connections', () => {
  it('uses the join’s credentials while they have more than a minute left', async () => {
    const ice = new BridgeIceServers([server(600)]);
    const link = signaling([server(600, 'fresh')]);
    expect((await ice.fresh(link))[0]?.username).toMatch(/:member$/);
    expect(link.asked).toBe(0);
  });

  it('asks for new ones when they are about to expire, and keeps those', async () => {
    const ice = new BridgeIceServers([server(30)]);
    const link = signaling([server(600, 'fresh')]);
    expect((await ice.fresh(link))[0]?.username).toMatch(/:fresh$/);
    expect(ice.current[0]?.username).toMatch(/:fresh$/);
    expect(link.asked).toBe(1);
  });

  it('without TURN there is nothing to renew', async () => {
    const ice = new BridgeIceServers();
    const link = signaling([]);
    expect(await ice.fresh(link)).toEqual([]);
    expect(link.asked).toBe(0);
  });
});
