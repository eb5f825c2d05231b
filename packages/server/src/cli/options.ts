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
  --allow-unencrypted
                    let a meeting be started without end-to-end encryption
                    (env SOTTO_ALLOW_UNENCRYPTED=1; default: every meeting is
                    end-to-end encrypted)
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
    maxMembersPerRoom:
      wholeNumber('--max-members', values['max-members'], 'SOTTO_MAX_MEMBERS', env) ?? defaults.maxMembersPerRoom,
    lastN: wholeNumber('--last-n', values['last-n'], 'SOTTO_LAST_N', env) ?? defaults.lastN,
    audioLastN: wholeNumber('--audio-last-n', values['audio-last-n'], 'SOTTO_AUDIO_LAST_N', env) ?? defaults.audioLastN,
    allowUnencrypted: values['allow-unencrypted'] === true || flagFromEnv('SOTTO_ALLOW_UNENCRYPTED', env),
  });
  return { config, help: values.help === true };
}
