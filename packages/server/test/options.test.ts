import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfigFile } from '../src/cli/config-file.ts';
import { defaultConfig, defaultStateDir, configFromArgs as fromArgsAndFile, USAGE } from '../src/cli/options.ts';

/** Flags and environment only: no config file from this machine gets in. */
const configFromArgs = (argv: string[], env: NodeJS.ProcessEnv) => fromArgsAndFile(argv, env, () => null);

const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

function errorOf(argv: string[], env: NodeJS.ProcessEnv = {}): Error {
  try {
    configFromArgs(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error(`expected configFromArgs(${JSON.stringify(argv)}) to throw`);
}

describe('defaultConfig', () => {
  it('works on localhost without configuration', () => {
    expect(defaultConfig()).toEqual({
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
      webRoot: WEB_DIST,
      tls: 'off',
      acmeDirectory: 'https://acme-v02.api.letsencrypt.org/directory',
      stateDir: defaultStateDir(process.env),
    });
  });

  it('keeps state in systemd’s StateDirectory, else the XDG state folder', () => {
    expect(defaultStateDir({ STATE_DIRECTORY: '/var/lib/sotto' })).toBe('/var/lib/sotto');
    expect(defaultStateDir({ XDG_STATE_HOME: '/home/a/.state' })).toBe('/home/a/.state/sotto');
  });
});

describe('configFromArgs: TLS', () => {
  it('with TLS on, HTTPS takes port 443; acme adds the plain-HTTP port 80 for challenges and redirects', () => {
    const { config } = configFromArgs(['--tls', 'acme', '--domain', 'meet.example.org'], {});
    expect(config).toMatchObject({ tls: 'acme', port: 443, httpPort: 80, domain: 'meet.example.org' });
    const selfSigned = configFromArgs([], { SOTTO_TLS: 'self-signed', SOTTO_STATE_DIR: '/srv/state' }).config;
    expect(selfSigned).toMatchObject({ tls: 'self-signed', port: 443, stateDir: '/srv/state' });
    expect(selfSigned.httpPort).toBeUndefined();
    expect(configFromArgs(['--tls', 'self-signed', '--port', '8443'], {}).config.port).toBe(8443);
  });

  it('names what each mode is missing', () => {
    expect(() => configFromArgs(['--tls', 'acme'], {})).toThrow('tls acme needs the DNS name (--domain)');
    expect(() => configFromArgs(['--tls', 'files', '--tls-cert', 'a.pem'], {})).toThrow(
      'tls files needs the certificate and key (--tls-cert and --tls-key)',
    );
    expect(() => configFromArgs(['--tls', 'on'], {})).toThrow('tls must be off, self-signed, acme or files');
    expect(() => configFromArgs(['--tls', 'acme', '--domain', 'bad_name!'], {})).toThrow('domain is a DNS name');
  });
});

describe('configFromArgs: admission', () => {
  it('reads the socket and room caps and the allowed origins from flags or the environment', () => {
    const { config } = configFromArgs(
      [
        '--max-sockets',
        '100',
        '--max-sockets-per-address',
        '5',
        '--allowed-origins',
        'https://a.example.org, https://b.example.org',
      ],
      { SOTTO_MAX_ROOMS: '7' },
    );
    expect(config).toMatchObject({
      maxSockets: 100,
      maxSocketsPerAddress: 5,
      maxRooms: 7,
      allowedOrigins: ['https://a.example.org', 'https://b.example.org'],
    });
    expect(() => configFromArgs(['--allowed-origins', 'not a url'], {})).toThrow(/allowedOrigins/);
  });

  it('takes the embed allow-list from a flag or the environment', () => {
    expect(
      configFromArgs(['--embed-origins', 'https://school.example.org, https://clinic.example.org'], {}).config.embedOrigins,
    ).toEqual(['https://school.example.org', 'https://clinic.example.org']);
    expect(configFromArgs([], { SOTTO_EMBED_ORIGINS: 'https://school.example.org' }).config.embedOrigins).toEqual([
      'https://school.example.org',
    ]);
    expect(() => configFromArgs(['--embed-origins', 'school'], {})).toThrow(/embedOrigins/);
  });
});

describe('configFromArgs', () => {
  it('uses the defaults with no flags and no environment', () => {
    const { config, help } = configFromArgs([], {});
    expect(help).toBe(false);
    expect(config).toEqual(defaultConfig());
    expect(config.publicIp).toBeUndefined();
  });

  it('ignores unrelated environment variables', () => {
    expect(configFromArgs([], { HOME: '/root', NODE_ENV: 'production', HOSTNAME: 'box' }).config).toEqual(defaultConfig());
  });

  it('reads PORT, SOTTO_HOST, SOTTO_MEDIA_PORT, SOTTO_PUBLIC_IP and SOTTO_MAX_MEMBERS', () => {
    const { config } = configFromArgs([], {
      PORT: '9000',
      SOTTO_HOST: '127.0.0.1',
      SOTTO_MEDIA_PORT: '20000',
      SOTTO_PUBLIC_IP: '203.0.113.9',
      SOTTO_MAX_MEMBERS: '12',
    });
    expect(config).toEqual({
      ...defaultConfig(),
      port: 9000,
      host: '127.0.0.1',
      mediaPort: 20000,
      publicIp: '203.0.113.9',
      maxMembersPerRoom: 12,
    });
  });

  it('allows meetings without E2EE only when asked: --allow-unencrypted or SOTTO_ALLOW_UNENCRYPTED', () => {
    expect(configFromArgs([], {}).config.allowUnencrypted).toBe(false);
    expect(configFromArgs(['--allow-unencrypted'], {}).config.allowUnencrypted).toBe(true);
    expect(configFromArgs([], { SOTTO_ALLOW_UNENCRYPTED: '1' }).config.allowUnencrypted).toBe(true);
    expect(configFromArgs([], { SOTTO_ALLOW_UNENCRYPTED: 'true' }).config.allowUnencrypted).toBe(true);
    expect(configFromArgs([], { SOTTO_ALLOW_UNENCRYPTED: '0' }).config.allowUnencrypted).toBe(false);
    expect(() => configFromArgs([], { SOTTO_ALLOW_UNENCRYPTED: 'maybe' })).toThrow(
      'SOTTO_ALLOW_UNENCRYPTED must be 1 or 0, not "maybe"',
    );
  });

  it('reads the media path policy and TURN settings from flags or the environment', () => {
    expect(
      configFromArgs(['--p2p', 'relay', '--turn-urls', 'turn:t.example.org', '--turn-secret', 'abcdefghijklmnopq'], {}).config
        .p2p,
    ).toBe('relay');
    expect(configFromArgs([], { SOTTO_P2P: 'direct' }).config.p2p).toBe('direct');
    expect(() => configFromArgs(['--p2p', 'always'], {})).toThrow(/p2p must be off, relay or direct/);
    const { config } = configFromArgs([], {
      SOTTO_TURN_URLS: 'turn:turn.example.org:3478, turns:turn.example.org:5349',
      SOTTO_TURN_SECRET: 's3cret-s3cret-s3cret',
    });
    expect(config.turn).toEqual({
      urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:5349'],
      secret: 's3cret-s3cret-s3cret',
      ttlSeconds: 600,
    });
    expect(
      configFromArgs(['--turn-urls', 'turn:t.example.org', '--turn-secret', 'abcdefghijklmnopq', '--turn-ttl', '600'], {}).config
        .turn?.ttlSeconds,
    ).toBe(600);
    expect(() => configFromArgs(['--turn-urls', 'turn:t.example.org'], {})).toThrow(
      'TURN needs both --turn-urls and --turn-secret',
    );
  });

  it('treats empty environment variables as unset', () => {
    const { config } = configFromArgs([], { PORT: '', SOTTO_MEDIA_PORT: '', SOTTO_PUBLIC_IP: '', SOTTO_MAX_MEMBERS: '' });
    expect(config).toEqual(defaultConfig());
  });

  it('reads every flag', () => {
    const { config } = configFromArgs(
      ['--port', '8443', '--host', '::', '--media-port', '3478', '--public-ip', '2001:db8::2', '--max-members', '1000'],
      {},
    );
    expect(config).toEqual({
      ...defaultConfig(),
      port: 8443,
      host: '::',
      mediaPort: 3478,
      publicIp: '2001:db8::2',
      maxMembersPerRoom: 1000,
    });
  });

  it('accepts --flag=value', () => {
    expect(configFromArgs(['--port=1234', '--media-port=4321'], {}).config).toMatchObject({ port: 1234, mediaPort: 4321 });
  });

  it('lets flags win over the environment', () => {
    const { config } = configFromArgs(
      ['--port', '1111', '--media-port', '2222', '--public-ip', '198.51.100.1', '--host', '10.0.0.1', '--max-members', '3'],
      {
        PORT: '9000',
        SOTTO_MEDIA_PORT: '20000',
        SOTTO_PUBLIC_IP: '203.0.113.9',
        SOTTO_HOST: '127.0.0.1',
        SOTTO_MAX_MEMBERS: '12',
      },
    );
    expect(config).toMatchObject({
      port: 1111,
      mediaPort: 2222,
      publicIp: '198.51.100.1',
      host: '10.0.0.1',
      maxMembersPerRoom: 3,
    });
  });

  it('mixes flags and environment per key', () => {
    const { config } = configFromArgs(['--port', '1111'], { PORT: '9000', SOTTO_MEDIA_PORT: '20000' });
    expect(config).toMatchObject({ port: 1111, mediaPort: 20000 });
  });

  it('does not let a bad environment value matter when a flag overrides it', () => {
    expect(configFromArgs(['--port', '1111'], { PORT: 'abc' }).config.port).toBe(1111);
  });

  it('reports --help and -h', () => {
    expect(configFromArgs(['--help'], {}).help).toBe(true);
    expect(configFromArgs(['-h'], {}).help).toBe(true);
  });

  it.each([
    [['--port', 'abc'], /--port must be a whole number, not "abc"/],
    [['--port', '80.5'], /--port must be a whole number/],
    [['--media-port', 'ten'], /--media-port must be a whole number/],
    [['--max-members', '2x'], /--max-members must be a whole number/],
  ])('rejects the non-integer %j naming the flag', (argv, message) => {
    expect(errorOf(argv).message).toMatch(message);
  });

  it.each([
    [['--port', '0'], /^invalid port: /],
    [['--port', '65536'], /^invalid port: /],
    [['--media-port', '99999'], /^invalid mediaPort: /],
    [['--max-members', '1'], /^invalid maxMembersPerRoom: /],
    [['--max-members', '5000'], /^invalid maxMembersPerRoom: /],
    [['--public-ip', 'my.host.example'], /^invalid publicIp: public-ip must be an IPv4 or IPv6 address$/],
  ])('rejects the out-of-range %j naming the key', (argv, message) => {
    expect(errorOf(argv).message).toMatch(message);
  });

  it('rejects bad environment values, quoting the value', () => {
    expect(errorOf([], { PORT: 'eighty' }).message).toContain('"eighty"');
    expect(errorOf([], { SOTTO_MEDIA_PORT: '1.5' }).message).toContain('"1.5"');
    expect(errorOf([], { SOTTO_MAX_MEMBERS: 'lots' }).message).toContain('"lots"');
    expect(errorOf([], { PORT: '70000' }).message).toMatch(/^invalid port: /);
    expect(errorOf([], { SOTTO_PUBLIC_IP: 'not-an-ip' }).message).toMatch(/^invalid publicIp: /);
  });

  it('throws on unknown flags', () => {
    expect(errorOf(['--bogus']).message).toMatch(/--bogus/);
    expect(errorOf(['--public_ip', '1.2.3.4']).message).toMatch(/--public_ip/);
    expect(errorOf(['-p', '80']).message).toMatch(/-p/);
  });

  it('throws on positional arguments', () => {
    expect(() => configFromArgs(['start'], {})).toThrow();
  });

  it('throws when a flag lacks its value', () => {
    expect(() => configFromArgs(['--port'], {})).toThrow(/--port/);
  });

  it('documents every flag and environment variable in USAGE', () => {
    for (const word of [
      '--port',
      '--host',
      '--media-port',
      '--public-ip',
      '--max-members',
      '--help',
      'PORT',
      'SOTTO_HOST',
      'SOTTO_MEDIA_PORT',
      'SOTTO_PUBLIC_IP',
      'SOTTO_MAX_MEMBERS',
    ]) {
      expect(USAGE).toContain(word);
    }
  });
});

describe('the config file', () => {
  const file = (text: string) => () => parseConfigFile(text, '/etc/sotto/sotto.conf');

  it('sets what flags and environment leave unset; they win over it', () => {
    const text = [
      '# a comment',
      'port = 9000',
      'media-port = 10100  # after a value too',
      'public-ip = "203.0.113.7"',
      'allowed-origins = ["https://a.example.org", "https://b.example.org"]',
      'allow-unencrypted = true',
    ].join('\n');
    const { config } = fromArgsAndFile(['--port', '9100'], { SOTTO_MEDIA_PORT: '10200' }, file(text));
    expect(config).toMatchObject({
      port: 9100,
      mediaPort: 10200,
      publicIp: '203.0.113.7',
      allowedOrigins: ['https://a.example.org', 'https://b.example.org'],
      allowUnencrypted: true,
    });
  });

  it('names the file, the line and the fix when something is wrong', () => {
    expect(() => parseConfigFile('port 9000', 'sotto.conf')).toThrow('sotto.conf line 1: expected `key = value`');
    expect(() => parseConfigFile('\nprot = 9000', 'sotto.conf')).toThrow(
      /sotto.conf line 2: unknown key "prot" \(known: .*\bport\b/,
    );
    expect(() => parseConfigFile('host = 0.0.0.0', 'sotto.conf')).toThrow(/put text in "quotes"/);
    expect(() => parseConfigFile('port = 1\nport = 2', 'sotto.conf')).toThrow(/"port" is set twice/);
    expect(() => fromArgsAndFile([], {}, file('media-port = "lots"'))).toThrow(
      'media-port in /etc/sotto/sotto.conf must be a whole number, not "lots"',
    );
  });
});
