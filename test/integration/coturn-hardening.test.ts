import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnCredentials } from '../../packages/server/src/conference/turn-credentials.ts';
import type { TurnCredentials } from '../../packages/server/src/turn/turn-client.ts';
import { TurnClient } from '../../packages/server/src/turn/turn-client.ts';
import type { Coturn } from '../support/coturn.ts';
import { startCoturn } from '../support/coturn.ts';

/** The credentials Sotto would hand a member, valid for `ttlSeconds` (negative: expired already). */
function restCredentials(secret: string, memberId: string, ttlSeconds: number): TurnCredentials {
  const { username, credential } = turnCredentials({ urls: [], secret, ttlSeconds }, memberId);
  return { username: username ?? '', password: credential ?? '' };
}

/**
 * The coturn configuration docs/media-path.md tells operators to use (deploy/coturn/turnserver.conf,
 * loaded as is) keeps the relay from reaching anything but the public Internet. CreatePermission is
 * what a client must get before the relay forwards anything to a peer, and it sends nothing itself:
 * asking about 169.254.169.254 or 8.8.8.8 makes no traffic leave the machine.
 */

const CONFIG = fileURLToPath(new URL('../../deploy/coturn/turnserver.conf', import.meta.url));
const DENIED_IN_FILE = readFileSync(CONFIG, 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('denied-peer-ip='))
  .map((line) => line.slice('denied-peer-ip='.length).trim());

/** What an operator writes in the file's "SET: the machine's own public addresses" lines. */
const OWN_ADDRESSES = Object.values(networkInterfaces())
  .flatMap((addresses) => addresses ?? [])
  .filter((a) => !a.internal)
  .map((a) => a.address);

/** A free UDP port on 127.0.0.1 with room above it for coturn's relay ports (startCoturn takes 200). */
async function freeUdpPort(): Promise<number> {
  for (;;) {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const { port } = socket.address();
    await new Promise<void>((resolve) => socket.close(resolve));
    if (port + 200 <= 65535) return port;
  }
}

describe('coturn with deploy/coturn/turnserver.conf', () => {
  const secret = randomBytes(24).toString('hex');
  let coturn: Coturn;
  let port: number;
  let startupLog: string;
  const clients: TurnClient[] = [];

  beforeAll(async () => {
    port = await freeUdpPort();
    coturn = await startCoturn(port, secret, {
      configFile: CONFIG,
      // An IPv6 relay too (RFC 6156), so that the IPv6 ranges are put to the test.
      extraArgs: ['--relay-ip=::1', ...OWN_ADDRESSES.map((a) => `--denied-peer-ip=${a}`)],
    });
    startupLog = coturn.log();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await coturn?.stop();
  });

  async function client(): Promise<TurnClient> {
    const c = await TurnClient.open('127.0.0.1', port);
    clients.push(c);
    return c;
  }

  /** A client holding an allocation of that family, made with a member's valid credentials. */
  async function allocated(family: 4 | 6): Promise<TurnClient> {
    const c = await client();
    expect(await c.allocate(restCredentials(secret, `member-v${family}`, 600), { family })).toEqual({ ok: true });
    return c;
  }

  /** Each address mapped to 'allowed' or the error code of the refusal. */
  async function permissions(c: TurnClient, addresses: string[]): Promise<Record<string, number | 'allowed'>> {
    const answers: Record<string, number | 'allowed'> = {};
    for (const address of addresses) {
      const result = await c.createPermission(address);
      answers[address] = result.ok ? 'allowed' : result.code;
    }
    return answers;
  }

  const all = (addresses: string[], answer: number | 'allowed') => Object.fromEntries(addresses.map((a) => [a, answer]));

  it('takes every denied-peer-ip line of the file, and logs no error', () => {
    expect(DENIED_IN_FILE.length).toBeGreaterThan(20);
    const listed = new Set([...startupLog.matchAll(/Black listing: (\S+)/g)].map((m) => m[1]));
    expect([...DENIED_IN_FILE, ...OWN_ADDRESSES].filter((range) => !listed.has(range))).toEqual([]);
    expect(startupLog).not.toMatch(/error|wrong|bad configuration|unknown/i);
    expect(startupLog).toMatch(/--no-tcp-relay: TCP relay endpoints are not allowed/);
  });

  it('refuses relays to loopback, the cloud metadata service, private, CGNAT and other reserved IPv4 addresses', async () => {
    const c = await allocated(4);
    const refused = [
      '127.0.0.1',
      '127.1.2.3',
      '169.254.169.254',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.254',
      '192.168.1.1',
      '100.64.0.1',
      '0.0.0.0',
      '192.0.0.170',
      '198.18.0.1',
      '224.0.0.251',
      '240.0.0.1',
      '255.255.255.255',
    ];
    expect(await permissions(c, refused)).toEqual(all(refused, 403));
  });

  it('refuses relays to IPv6 loopback, unique local, link-local, IPv4-mapped, NAT64 and multicast addresses', async () => {
    const c = await allocated(6);
    const refused = [
      '::1',
      '::',
      'fd00::1',
      'fc12:3456::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::a9fe:a9fe',
      '2001:db8::1',
      'ff02::1',
    ];
    expect(await permissions(c, refused)).toEqual(all(refused, 403));
  });

  it("refuses relays to the machine's own addresses", async () => {
    const v4 = OWN_ADDRESSES.filter((a) => isIPv4(a));
    const v6 = OWN_ADDRESSES.filter((a) => isIPv6(a));
    expect(await permissions(await allocated(4), v4)).toEqual(all(v4, 403));
    expect(await permissions(await allocated(6), v6)).toEqual(all(v6, 403));
  });

  it('allows public addresses (the control: the deny list does not refuse everything)', async () => {
    expect(await permissions(await allocated(4), ['8.8.8.8', '1.1.1.1'])).toEqual(all(['8.8.8.8', '1.1.1.1'], 'allowed'));
    expect(await permissions(await allocated(6), ['2001:4860:4860::8888'])).toEqual({ '2001:4860:4860::8888': 'allowed' });
  });

  it('refuses TCP relays (RFC 6062) with 442: no-tcp-relay', async () => {
    const result = await (await client()).allocate(restCredentials(secret, 'member-tcp', 600), { transport: 'tcp' });
    expect(result).toMatchObject({ ok: false, code: 442 });
  });

  it('refuses expired credentials and credentials made with another secret', async () => {
    const expired = await (await client()).allocate(restCredentials(secret, 'member-expired', -60));
    expect([401, 438]).toContain(expired.ok ? 'allowed' : expired.code);
    const forged = await (await client()).allocate(restCredentials(randomBytes(24).toString('hex'), 'member-forged', 600));
    expect(forged).toMatchObject({ ok: false, code: 401 });
  });

  it('keeps an allocation working after its credentials expire: they need only be valid to connect', async () => {
    const credentials = restCredentials(secret, 'member-connected', 1);
    const expiry = Number(credentials.username.split(':')[0]);
    const c = await client();
    expect(await c.allocate(credentials)).toEqual({ ok: true });
    // coturn's clock ticks once a second: wait until it is surely past the expiry.
    await new Promise((r) => setTimeout(r, (expiry + 2) * 1000 - Date.now()));
    expect(await (await client()).allocate(credentials)).toMatchObject({ ok: false, code: 401 });
    expect(await permissions(c, ['8.8.8.8'])).toEqual({ '8.8.8.8': 'allowed' });
  });

  it('gives one member at most user-quota (10) allocations at a time, whatever the expiry in the username', async () => {
    const answers: Array<number | 'allowed'> = [];
    for (let i = 0; i < 11; i++) {
      // New credentials each time, as a member gets for each peer-to-peer session: coturn counts per member id.
      const result = await (await client()).allocate(restCredentials(secret, 'member-greedy', 600 + i));
      answers.push(result.ok ? 'allowed' : result.code);
    }
    expect(answers).toEqual([...new Array(10).fill('allowed'), 486]);
  });
});
