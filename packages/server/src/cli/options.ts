import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ServerConfig } from '../config.ts';
import { validateConfig } from '../config.ts';

const WEB_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Embedded defaults: a working meeting server on localhost with no configuration at all. */
export function defaultConfig(): ServerConfig {
  return {
    port: 8080,
    host: '0.0.0.0',
    mediaPort: 10000,
    maxMembersPerRoom: 50,
    lastN: 16,
    audioLastN: 8,
    p2p: 'off',
    maxSockets: 2000,
    maxSocketsPerAddress: 64,
    maxRooms: 500,
    allowedOrigins: [],
    allowUnencrypted: false,
    webRoot: WEB_ROOT,
  };
}

export const USAGE = `Usage: sotto start [options]

Options:
  --port N          HTTP and signaling port (env PORT, default 8080)
  --host ADDR       address to listen on (env SOTTO_HOST, default 0.0.0.0)
  --media-port N    the one UDP port for all media (env SOTTO_MEDIA_PORT, default 10000)
  --public-ip ADDR  address announced to browsers for media (env SOTTO_PUBLIC_IP;
                    default: every local interface, which works on localhost and a LAN)
  --max-members N   largest meeting (env SOTTO_MAX_MEMBERS, default 50)
  --last-n N        most videos one participant receives, picked by pinning and
                    recent speaking (env SOTTO_LAST_N, default 16; -1 = all)
  --audio-last-n N  most audio streams one participant receives: the most recent
                    speakers (env SOTTO_AUDIO_LAST_N, default 8; -1 = all)
  --p2p MODE        media between two participants: off (always through this
                    server; default), relay (peer to peer through TURN: no IP
                    address exposed) or direct (peer to peer: each sees the
                    other's IP address) (env SOTTO_P2P)
  --turn-urls URLS  comma-separated TURN URLs, e.g. turn:turn.example.org:3478
                    (env SOTTO_TURN_URLS); needs the secret:
  --turn-secret S   coturn's static-auth-secret (env SOTTO_TURN_SECRET: better,
                    not visible in the process list)
  --turn-ttl N      seconds the TURN credentials handed out stay valid
                    (env SOTTO_TURN_TTL, default 600)
  --allowed-origins LIST
                    comma-separated page origins besides this server's own that
                    may open a signaling socket, e.g. https://app.example.org
                    (env SOTTO_ALLOWED_ORIGINS; default: none)
  --max-sockets N   signaling sockets at once (env SOTTO_MAX_SOCKETS, default 2000)
  --max-sockets-per-address N
                    from one address; behind a reverse proxy that is the proxy
                    (env SOTTO_MAX_SOCKETS_PER_ADDRESS, default 64)
  --max-rooms N     meetings at once (env SOTTO_MAX_ROOMS, default 500)
  --allow-unencrypted
                    let a meeting be started without end-to-end encryption
                    (env SOTTO_ALLOW_UNENCRYPTED=1; default: every meeting is
                    end-to-end encrypted)
  --metrics-port N  serve Prometheus metrics at http://127.0.0.1:N/metrics, on
                    loopback only (env SOTTO_METRICS_PORT; default: none)
  -h, --help        this text
`;

/** A whole number from a flag, else from its environment variable; errors name the one used. */
function wholeNumber(flag: string, flagValue: string | undefined, envName: string, env: NodeJS.ProcessEnv): number | undefined {
  const [name, value] = flagValue !== undefined ? [flag, flagValue] : [envName, env[envName]];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`${name} must be a whole number, not "${value}"`);
  return n;
}

/** An on/off environment variable: 1/true/yes or 0/false/no (anything else is an error). */
function flagFromEnv(name: string, env: NodeJS.ProcessEnv): boolean {
  const value = env[name]?.toLowerCase();
  if (value === undefined || value === '' || ['0', 'false', 'no'].includes(value)) return false;
  if (['1', 'true', 'yes'].includes(value)) return true;
  throw new Error(`${name} must be 1 or 0, not "${env[name]}"`);
}

/** Credentials go out just before two members go peer to peer; ten minutes is ample for that. */
const DEFAULT_TURN_TTL_SECONDS = 600;

/** TURN settings: URLs and secret together, or neither. */
function turnFrom(
  values: { 'turn-urls'?: string | undefined; 'turn-secret'?: string | undefined; 'turn-ttl'?: string | undefined },
  env: NodeJS.ProcessEnv,
): { urls: string[]; secret: string; ttlSeconds: number } | undefined {
  const urls = values['turn-urls'] ?? (env.SOTTO_TURN_URLS || undefined);
  const secret = values['turn-secret'] ?? (env.SOTTO_TURN_SECRET || undefined);
  if (urls === undefined && secret === undefined) return undefined;
  if (urls === undefined || secret === undefined) throw new Error('TURN needs both --turn-urls and --turn-secret');
  return {
    urls: urls
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
    secret,
    ttlSeconds: wholeNumber('--turn-ttl', values['turn-ttl'], 'SOTTO_TURN_TTL', env) ?? DEFAULT_TURN_TTL_SECONDS,
  };
}

/** Command-line flags win over environment variables, which win over the defaults. */
export function configFromArgs(argv: string[], env: NodeJS.ProcessEnv): { config: ServerConfig; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'media-port': { type: 'string' },
      'public-ip': { type: 'string' },
      'max-members': { type: 'string' },
      'last-n': { type: 'string' },
      'audio-last-n': { type: 'string' },
      'allow-unencrypted': { type: 'boolean' },
      p2p: { type: 'string' },
      'turn-urls': { type: 'string' },
      'turn-secret': { type: 'string' },
      'turn-ttl': { type: 'string' },
      'allowed-origins': { type: 'string' },
      'max-sockets': { type: 'string' },
      'max-sockets-per-address': { type: 'string' },
      'max-rooms': { type: 'string' },
      'metrics-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const defaults = defaultConfig();
  const config = validateConfig({
    ...defaults,
    port: wholeNumber('--port', values.port, 'PORT', env) ?? defaults.port,
    host: values.host ?? env.SOTTO_HOST ?? defaults.host,
    mediaPort: wholeNumber('--media-port', values['media-port'], 'SOTTO_MEDIA_PORT', env) ?? defaults.mediaPort,
    publicIp: values['public-ip'] ?? (env.SOTTO_PUBLIC_IP || undefined),
    metricsPort: wholeNumber('--metrics-port', values['metrics-port'], 'SOTTO_METRICS_PORT', env),
    maxMembersPerRoom:
      wholeNumber('--max-members', values['max-members'], 'SOTTO_MAX_MEMBERS', env) ?? defaults.maxMembersPerRoom,
    lastN: wholeNumber('--last-n', values['last-n'], 'SOTTO_LAST_N', env) ?? defaults.lastN,
    audioLastN: wholeNumber('--audio-last-n', values['audio-last-n'], 'SOTTO_AUDIO_LAST_N', env) ?? defaults.audioLastN,
    allowUnencrypted: values['allow-unencrypted'] === true || flagFromEnv('SOTTO_ALLOW_UNENCRYPTED', env),
    p2p: values.p2p ?? (env.SOTTO_P2P || defaults.p2p),
    turn: turnFrom(values, env),
    maxSockets: wholeNumber('--max-sockets', values['max-sockets'], 'SOTTO_MAX_SOCKETS', env) ?? defaults.maxSockets,
    maxSocketsPerAddress:
      wholeNumber('--max-sockets-per-address', values['max-sockets-per-address'], 'SOTTO_MAX_SOCKETS_PER_ADDRESS', env) ??
      defaults.maxSocketsPerAddress,
    maxRooms: wholeNumber('--max-rooms', values['max-rooms'], 'SOTTO_MAX_ROOMS', env) ?? defaults.maxRooms,
    allowedOrigins: (values['allowed-origins'] ?? env.SOTTO_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  });
  return { config, help: values.help === true };
}
