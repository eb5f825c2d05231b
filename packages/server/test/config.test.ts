import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../src/config.ts';

const VALID = {
  port: 8080,
  host: '0.0.0.0',
  mediaPort: 10000,
  maxMembersPerRoom: 50,
  lastN: 16,
  audioLastN: 8,
  allowUnencrypted: false,
  p2p: 'off',
  maxSockets: 2000,
  maxSocketsPerAddress: 64,
  maxRooms: 500,
  allowedOrigins: [],
  embedOrigins: [],
  auth: 'open',
  jwtAudience: 'sotto',
  webRoot: '/srv/sotto/web',
  tls: 'off',
  acmeDirectory: 'https://acme-v02.api.letsencrypt.org/directory',
  stateDir: '/var/lib/sotto',
};

function errorOf(input: Record<string, unknown>): ConfigError {
  try {
    validateConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected validateConfig to throw');
}

describe('validateConfig', () => {
  it('returns a valid config', () => {
    expect(validateConfig(VALID)).toEqual(VALID);
  });

  it('accepts IPv4 and IPv6 public addresses', () => {
    expect(validateConfig({ ...VALID, publicIp: '203.0.113.5' }).publicIp).toBe('203.0.113.5');
    expect(validateConfig({ ...VALID, publicIp: '2001:db8::1' }).publicIp).toBe('2001:db8::1');
  });

  it('accepts the port range edges', () => {
    expect(validateConfig({ ...VALID, port: 1, mediaPort: 65535 })).toMatchObject({ port: 1, mediaPort: 65535 });
  });

  it.each([
    ['port', 0],
    ['port', 65536],
    ['port', 80.5],
    ['port', '8080'],
    ['mediaPort', -1],
    ['mediaPort', 70000],
    ['maxMembersPerRoom', 1],
    ['maxMembersPerRoom', 1001],
    ['lastN', -2],
    ['audioLastN', 1.5],
    ['host', 42],
    ['webRoot', undefined],
    ['allowUnencrypted', 'yes'],
    ['p2p', 'sometimes'],
  ])('names %s in the error for %j', (key, value) => {
    const error = errorOf({ ...VALID, [key]: value });
    expect(error.message).toMatch(new RegExp(`^invalid ${key}: `));
  });

  it.each(['example.com', '256.1.1.1', '1.2.3', 'localhost', ''])('rejects the public IP %j with a clear message', (publicIp) => {
    expect(errorOf({ ...VALID, publicIp }).message).toBe('invalid publicIp: public-ip must be an IPv4 or IPv6 address');
  });

  it.each([
    [{ urls: [], secret: 'x'.repeat(20), ttlSeconds: 600 }, 'invalid turn.urls: give at least one TURN URL'],
    [{ urls: ['http://example.org'], secret: 'x'.repeat(20), ttlSeconds: 600 }, 'invalid turn.urls.0: TURN URLs look like'],
    [{ urls: ['turn:example.org:3478'], secret: 'short', ttlSeconds: 600 }, 'invalid turn.secret: the TURN secret must be'],
  ])('names the bad TURN setting: %j', (turn, message) => {
    expect(errorOf({ ...VALID, turn }).message).toContain(message);
  });

  it('refuses p2p relay without a TURN server', () => {
    expect(errorOf({ ...VALID, p2p: 'relay' }).message).toBe(
      'invalid p2p: relay needs a TURN server (--turn-urls and --turn-secret)',
    );
    const turn = { urls: ['turn:turn.example.org:3478'], secret: 'x'.repeat(20), ttlSeconds: 600 };
    expect(validateConfig({ ...VALID, p2p: 'relay', turn }).p2p).toBe('relay');
  });

  it('names the first bad key when several are bad', () => {
    expect(errorOf({ ...VALID, port: 0, mediaPort: 0 }).message).toMatch(/^invalid port: /);
  });
});
