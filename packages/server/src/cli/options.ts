import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ServerConfig } from '../config.ts';
import { validateConfig } from '../config.ts';
import type { ConfigFile } from './config-file.ts';
import { loadConfigFile } from './config-file.ts';

const WEB_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';

/**
 * Where certificates and the ACME account key are kept: systemd's StateDirectory (the package's
 * /var/lib/sotto), else the user's XDG state folder.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv): string {
  if (env.STATE_DIRECTORY) return env.STATE_DIRECTORY.split(':')[0] as string;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'sotto');
}

/** Embedded defaults: a working meeting server on localhost with no configuration at all. */
export function defaultConfig(): ServerConfig {
  return {
    tls: 'off',
    acmeDirectory: LETS_ENCRYPT_DIRECTORY,
    stateDir: defaultStateDir(process.env),
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
    embedOrigins: [],
    auth: 'open',
    jwtAudience: 'sotto',
    allowUnencrypted: false,
    webRoot: WEB_ROOT,
  };
}

export const USAGE = `Usage: sotto start [options]     run the server
       sotto init [--force]        write a commented config file (./sotto.conf)
       sotto doctor [options]      check ports, addresses, DNS, the certificate, TURN,
                                   UDP buffers and the clock
       sotto verify URL            compare the web app a server serves with this build

Every option can also be set in the config file (same name, e.g. media-port = 10000) or an
environment variable; flags win over the environment, which wins over the file.

Options:
  --config PATH     the config file (env SOTTO_CONFIG; default ./sotto.conf, then
                    /etc/sotto/sotto.conf, when they exist)
  --print-config    print the effective configuration (secrets masked) and exit
  --port N          HTTP(S) and signaling port (env PORT; default 8080, or 443
                    when TLS is on)
  --tls MODE        HTTPS: off (plain HTTP, for localhost or behind a TLS
                    reverse proxy; default), self-signed (a certificate made
                    here), acme (Let's Encrypt or --acme-directory; needs
                    --domain and port 80) or files (--tls-cert, --tls-key)
                    (env SOTTO_TLS)
  --domain NAME     this server's DNS name, e.g. meet.example.org (env SOTTO_DOMAIN)
  --tls-cert PATH   certificate chain (PEM) for --tls files; reloaded when it
                    changes (env SOTTO_TLS_CERT)
  --tls-key PATH    its private key (PEM) (env SOTTO_TLS_KEY)
  --acme-directory URL
                    the ACME CA (env SOTTO_ACME_DIRECTORY; default Let's Encrypt)
  --acme-email ADDR contact address given to the CA (env SOTTO_ACME_EMAIL; optional)
  --http-port N     plain HTTP listener that redirects to HTTPS and answers ACME
                    challenges (env SOTTO_HTTP_PORT; default 80 with --tls acme,
                    otherwise none)
  --state-dir PATH  where certificates and the ACME account are kept (env
                    SOTTO_STATE_DIR; default $STATE_DIRECTORY under systemd,
                    else ~/.local/state/sotto)
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
  --embed-origins LIST
                    comma-separated page origins that may embed meetings in an
                    iframe and drive them (external_api.js), e.g.
                    https://school.example.org (env SOTTO_EMBED_ORIGINS;
                    default: none, only this server's own pages)
  --auth MODE       who may start and join meetings (docs/auth.md): open (anyone;
                    default), create (a token to start one, guests join) or all
                    (a token for everyone) (env SOTTO_AUTH)
  --jwt-secret S    HS256 secret room tokens are signed with (env SOTTO_JWT_SECRET:
                    better, not visible in the process list)
  --jwt-jwks FILE   JWKS file of public keys for RS256/ES256 tokens (env SOTTO_JWT_JWKS)
  --jwt-audience A  the aud tokens must carry (env SOTTO_JWT_AUDIENCE, default sotto)
  --jwt-issuer I    the iss tokens must carry (env SOTTO_JWT_ISSUER; default: any)
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

/** A setting's text and where it came from, for errors: the flag, else its environment variable, else the file. */
interface Setting {
  value: string;
  source: string;
}

type Sources = { env: NodeJS.ProcessEnv; file: ConfigFile | null };

function pick(flag: string, flagValue: string | undefined, envName: string, { env, file }: Sources): Setting | undefined {
  if (flagValue !== undefined) return { value: flagValue, source: `--${flag}` };
  const fromEnv = env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: envName };
  const fromFile = file?.values[flag];
  if (fromFile !== undefined) return { value: fromFile, source: `${flag} in ${file?.path}` };
  return undefined;
}

/** A whole number; errors name where it came from. */
function wholeNumber(setting: Setting | undefined): number | undefined {
  if (setting === undefined) return undefined;
  const n = Number(setting.value);
  if (!Number.isInteger(n)) throw new Error(`${setting.source} must be a whole number, not "${setting.value}"`);
  return n;
}

/** On/off: 1/true/yes or 0/false/no (anything else is an error). */
function onOff(setting: Setting | undefined): boolean {
  const value = setting?.value.toLowerCase();
  if (value === undefined || ['0', 'false', 'no'].includes(value)) return false;
  if (['1', 'true', 'yes'].includes(value)) return true;
  throw new Error(`${setting?.source} must be 1 or 0, not "${setting?.value}"`);
}

/** Credentials go out just before two members go peer to peer; ten minutes is ample for that. */
const DEFAULT_TURN_TTL_SECONDS = 600;

/** TURN settings: URLs and secret together, or neither. */
function turnFrom(values: Record<string, string | boolean | undefined>, sources: Sources): ServerConfig['turn'] {
  const text = (flag: string, envName: string) => pick(flag, values[flag] as string | undefined, envName, sources)?.value;
  const urls = text('turn-urls', 'SOTTO_TURN_URLS');
  const secret = text('turn-secret', 'SOTTO_TURN_SECRET');
  if (urls === undefined && secret === undefined) return undefined;
  if (urls === undefined || secret === undefined) throw new Error('TURN needs both --turn-urls and --turn-secret');
  return {
    urls: list(urls),
    secret,
    ttlSeconds:
      wholeNumber(pick('turn-ttl', values['turn-ttl'] as string | undefined, 'SOTTO_TURN_TTL', sources)) ??
      DEFAULT_TURN_TTL_SECONDS,
  };
}

/**
 * Command-line flags win over environment variables, which win over the config file, which wins
 * over the defaults. `load` finds the config file (tests pass their own).
 */
export function configFromArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
  load: (named: string | undefined) => ConfigFile | null = loadConfigFile,
): { config: ServerConfig; help: boolean; printConfig: boolean; file: ConfigFile | null } {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      'print-config': { type: 'boolean' },
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
      'embed-origins': { type: 'string' },
      auth: { type: 'string' },
      'jwt-secret': { type: 'string' },
      'jwt-jwks': { type: 'string' },
      'jwt-audience': { type: 'string' },
      'jwt-issuer': { type: 'string' },
      'max-sockets': { type: 'string' },
      'max-sockets-per-address': { type: 'string' },
      'max-rooms': { type: 'string' },
      'metrics-port': { type: 'string' },
      tls: { type: 'string' },
      domain: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'acme-directory': { type: 'string' },
      'acme-email': { type: 'string' },
      'http-port': { type: 'string' },
      'state-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const file = values.help ? null : load(values.config ?? (env.SOTTO_CONFIG || undefined));
  const sources = { env, file };
  const text = (flag: string, envName: string) =>
    pick(flag, values[flag as keyof typeof values] as string | undefined, envName, sources);
  const number = (flag: string, envName: string) => wholeNumber(text(flag, envName));
  const defaults = defaultConfig();
  const tls = text('tls', 'SOTTO_TLS')?.value ?? defaults.tls;
  const config = validateConfig({
    ...defaults,
    tls,
    domain: text('domain', 'SOTTO_DOMAIN')?.value,
    tlsCert: text('tls-cert', 'SOTTO_TLS_CERT')?.value,
    tlsKey: text('tls-key', 'SOTTO_TLS_KEY')?.value,
    acmeDirectory: text('acme-directory', 'SOTTO_ACME_DIRECTORY')?.value ?? defaults.acmeDirectory,
    acmeEmail: text('acme-email', 'SOTTO_ACME_EMAIL')?.value,
    httpPort: number('http-port', 'SOTTO_HTTP_PORT') ?? (tls === 'acme' ? 80 : undefined),
    stateDir: text('state-dir', 'SOTTO_STATE_DIR')?.value ?? defaultStateDir(env),
    port: number('port', 'PORT') ?? (tls === 'off' ? defaults.port : 443),
    host: text('host', 'SOTTO_HOST')?.value ?? defaults.host,
    mediaPort: number('media-port', 'SOTTO_MEDIA_PORT') ?? defaults.mediaPort,
    publicIp: text('public-ip', 'SOTTO_PUBLIC_IP')?.value,
    metricsPort: number('metrics-port', 'SOTTO_METRICS_PORT'),
    maxMembersPerRoom: number('max-members', 'SOTTO_MAX_MEMBERS') ?? defaults.maxMembersPerRoom,
    lastN: number('last-n', 'SOTTO_LAST_N') ?? defaults.lastN,
    audioLastN: number('audio-last-n', 'SOTTO_AUDIO_LAST_N') ?? defaults.audioLastN,
    allowUnencrypted:
      values['allow-unencrypted'] === true || onOff(pick('allow-unencrypted', undefined, 'SOTTO_ALLOW_UNENCRYPTED', sources)),
    p2p: text('p2p', 'SOTTO_P2P')?.value ?? defaults.p2p,
    turn: turnFrom(values, sources),
    maxSockets: number('max-sockets', 'SOTTO_MAX_SOCKETS') ?? defaults.maxSockets,
    maxSocketsPerAddress: number('max-sockets-per-address', 'SOTTO_MAX_SOCKETS_PER_ADDRESS') ?? defaults.maxSocketsPerAddress,
    maxRooms: number('max-rooms', 'SOTTO_MAX_ROOMS') ?? defaults.maxRooms,
    allowedOrigins: list(text('allowed-origins', 'SOTTO_ALLOWED_ORIGINS')?.value),
    embedOrigins: list(text('embed-origins', 'SOTTO_EMBED_ORIGINS')?.value),
    auth: text('auth', 'SOTTO_AUTH')?.value ?? defaults.auth,
    jwtSecret: text('jwt-secret', 'SOTTO_JWT_SECRET')?.value,
    jwtJwks: text('jwt-jwks', 'SOTTO_JWT_JWKS')?.value,
    jwtAudience: text('jwt-audience', 'SOTTO_JWT_AUDIENCE')?.value ?? defaults.jwtAudience,
    jwtIssuer: text('jwt-issuer', 'SOTTO_JWT_ISSUER')?.value,
  });
  return { config, help: values.help === true, printConfig: values['print-config'] === true, file };
}

/** A comma-separated list (or a config file's array, joined) as its trimmed, non-empty items. */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
