import { existsSync, readFileSync } from 'node:fs';
import type { ServerConfig } from '../config.ts';

/**
 * The config file: one `key = value` per line, keys named like the flags (`media-port = 10000`),
 * values as in TOML — "strings", numbers, true/false, ["lists", "of strings"] — and `#` comments.
 * Flags and environment variables win over it.
 */
export interface ConfigFile {
  path: string;
  /** By key (the flag's name), as the flag's text would be: lists joined with commas. */
  values: Record<string, string>;
}

/** The keys a config file may set, with their defaults and what they do (`sotto init` writes them). */
export const CONFIG_KEYS: ReadonlyArray<{ key: string; example: string; help: string }> = [
  { key: 'tls', example: '"off"', help: 'HTTPS: "off", "self-signed", "acme" (needs domain and port 80) or "files"' },
  { key: 'domain', example: '"meet.example.org"', help: "this server's DNS name (the certificate's name)" },
  {
    key: 'tls-cert',
    example: '"/etc/sotto/fullchain.pem"',
    help: 'certificate chain for tls = "files" (reloaded when it changes)',
  },
  { key: 'tls-key', example: '"/etc/sotto/privkey.pem"', help: 'its private key' },
  { key: 'acme-directory', example: '"https://acme-v02.api.letsencrypt.org/directory"', help: 'the ACME CA' },
  { key: 'acme-email', example: '"admin@example.org"', help: 'contact address given to the ACME CA (optional)' },
  { key: 'http-port', example: '80', help: 'plain HTTP: redirect to HTTPS and ACME challenges (default 80 with acme)' },
  { key: 'state-dir', example: '"/var/lib/sotto"', help: 'where certificates and the ACME account key are kept' },
  { key: 'port', example: '8080', help: 'HTTP(S) and signaling port (default 443 when tls is on)' },
  { key: 'host', example: '"0.0.0.0"', help: 'address to listen on' },
  { key: 'media-port', example: '10000', help: 'the one UDP port for all media' },
  {
    key: 'public-ip',
    example: '"203.0.113.7"',
    help: 'address announced to browsers for media (default: every local interface)',
  },
  { key: 'max-members', example: '50', help: 'largest meeting' },
  { key: 'last-n', example: '16', help: 'most videos one participant receives (-1 = all)' },
  { key: 'audio-last-n', example: '8', help: 'most audio streams one participant receives (-1 = all)' },
  { key: 'p2p', example: '"off"', help: 'media between two participants: "off", "relay" (through TURN) or "direct"' },
  { key: 'turn-urls', example: '["turn:turn.example.org:3478"]', help: 'TURN servers (coturn with use-auth-secret)' },
  { key: 'turn-secret', example: '"a long random secret"', help: "coturn's static-auth-secret (keep this file private)" },
  { key: 'turn-ttl', example: '600', help: 'seconds TURN credentials stay valid' },
  { key: 'allowed-origins', example: '["https://app.example.org"]', help: "page origins besides this server's that may connect" },
  { key: 'embed-origins', example: '["https://school.example.org"]', help: 'page origins that may embed meetings (iframe API)' },
  { key: 'auth', example: '"open"', help: 'who may start and join meetings: "open", "create" (token to start) or "all"' },
  { key: 'jwt-secret', example: '"a long random secret"', help: 'HS256 secret room tokens are signed with' },
  { key: 'jwt-jwks', example: '"/etc/sotto/jwks.json"', help: 'public keys for RS256/ES256 room tokens' },
  { key: 'jwt-audience', example: '"sotto"', help: 'the aud room tokens must carry' },
  { key: 'jwt-issuer', example: '"my-app"', help: 'the iss room tokens must carry (default: any)' },
  { key: 'max-sockets', example: '2000', help: 'signaling sockets at once' },
  { key: 'max-sockets-per-address', example: '64', help: 'signaling sockets from one address' },
  { key: 'max-rooms', example: '500', help: 'meetings at once' },
  { key: 'allow-unencrypted', example: 'false', help: 'let a meeting start without end-to-end encryption' },
  { key: 'metrics-port', example: '9090', help: 'Prometheus metrics on 127.0.0.1 at this port' },
];

const KNOWN = new Set(CONFIG_KEYS.map((k) => k.key));

/** Where a config file is looked for when none is named: the current folder, then the system's. */
export const CONFIG_SEARCH_PATH = ['sotto.conf', '/etc/sotto/sotto.conf'];

/** Reads the named file, or the first of CONFIG_SEARCH_PATH that exists; null when there is none. */
export function loadConfigFile(named: string | undefined): ConfigFile | null {
  const path = named ?? CONFIG_SEARCH_PATH.find((p) => existsSync(p));
  if (path === undefined) return null;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  return parseConfigFile(text, path);
}

export function parseConfigFile(text: string, path: string): ConfigFile {
  const values: Record<string, string> = {};
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${path} line ${index + 1}`;
    const match = /^([a-z][a-z0-9-]*)\s*=\s*(.+)$/.exec(line);
    if (!match) throw new Error(`${where}: expected \`key = value\`, found "${line}"`);
    const [, key = '', value = ''] = match;
    if (!KNOWN.has(key)) throw new Error(`${where}: unknown key "${key}" (known: ${[...KNOWN].join(', ')})`);
    if (key in values) throw new Error(`${where}: "${key}" is set twice`);
    values[key] = valueText(value.replace(/\s+#.*$/, ''), `${where} (${key})`);
  });
  return { path, values };
}

/** A TOML-like value as the flag's text: "a" → a, 3 → 3, true → true, ["a", "b"] → a,b. */
function valueText(value: string, where: string): string {
  const string = /^"((?:[^"\\]|\\.)*)"$/.exec(value);
  if (string) return JSON.parse(`"${string[1]}"`) as string;
  if (/^-?\d+$/.test(value) || value === 'true' || value === 'false') return value;
  if (value.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(value);
    } catch {
      list = null;
    }
    if (Array.isArray(list) && list.every((item) => typeof item === 'string')) return list.join(',');
    throw new Error(`${where}: a list is written ["like", "this"]`);
  }
  throw new Error(`${where}: put text in "quotes"; numbers, true and false go bare`);
}

/** The commented config file `sotto init` writes: every key, commented out at its default. */
export function initialConfigText(): string {
  const lines = [
    '# Sotto configuration (`sotto start` reads ./sotto.conf, then /etc/sotto/sotto.conf, or --config PATH).',
    '# Flags and environment variables win over this file; `sotto start --print-config` shows the result.',
    '# Remove the # in front of a key to set it. `sotto start --help` explains every option.',
    '',
  ];
  for (const { key, example, help } of CONFIG_KEYS) lines.push(`# ${help}`, `# ${key} = ${example}`, '');
  return lines.join('\n');
}

/** The effective configuration in this file's format (for --print-config); the TURN secret is masked. */
export function formatConfig(config: ServerConfig): string {
  const entries: Array<[string, unknown]> = [
    ['tls', config.tls],
    ['domain', config.domain],
    ['tls-cert', config.tlsCert],
    ['tls-key', config.tlsKey],
    ['acme-directory', config.acmeDirectory],
    ['acme-email', config.acmeEmail],
    ['http-port', config.httpPort],
    ['state-dir', config.stateDir],
    ['port', config.port],
    ['host', config.host],
    ['media-port', config.mediaPort],
    ['public-ip', config.publicIp],
    ['max-members', config.maxMembersPerRoom],
    ['last-n', config.lastN],
    ['audio-last-n', config.audioLastN],
    ['p2p', config.p2p],
    ['turn-urls', config.turn?.urls],
    ['turn-secret', config.turn ? '********' : undefined],
    ['turn-ttl', config.turn?.ttlSeconds],
    ['allowed-origins', config.allowedOrigins],
    ['embed-origins', config.embedOrigins],
    ['auth', config.auth],
    ['jwt-secret', config.jwtSecret ? '********' : undefined],
    ['jwt-jwks', config.jwtJwks],
    ['jwt-audience', config.jwtAudience],
    ['jwt-issuer', config.jwtIssuer],
    ['max-sockets', config.maxSockets],
    ['max-sockets-per-address', config.maxSocketsPerAddress],
    ['max-rooms', config.maxRooms],
    ['allow-unencrypted', config.allowUnencrypted],
    ['metrics-port', config.metricsPort],
  ];
  return entries
    .map(([key, value]) =>
      value === undefined ? `# ${key} is not set` : `${key} = ${JSON.stringify(value).replaceAll(',', ', ')}`,
    )
    .join('\n');
}
