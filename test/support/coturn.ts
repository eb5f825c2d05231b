import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { spawnUntilReady } from './spawned.ts';

export interface Coturn {
  url: string;
  secret: string;
  /** Everything coturn has logged so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface CoturnOptions {
  /**
   * A configuration file to load (`-c`), e.g. deploy/coturn/turnserver.conf: it then supplies every
   * setting but where to listen and relay (127.0.0.1, `port` and the 200 ports above it), the secret,
   * the log and the pid file, plus `extraArgs`. Command-line options override the file's single-valued
   * ones and add to its lists (such as denied-peer-ip).
   */
  configFile?: string;
  extraArgs?: string[];
  /** Addresses to listen on besides 127.0.0.1 (e.g. a test host's link). */
  listeningIps?: string[];
  /** The address relayed traffic leaves from (default 127.0.0.1). */
  relayIp?: string;
  /** TURN over TLS too (`turns:`), on this port with this certificate and key (PEM files). */
  tls?: { port: number; cert: string; key: string };
}

const BINARY = ['/usr/bin/turnserver', '/usr/sbin/turnserver'].find((p) => existsSync(p)) ?? 'turnserver';

/**
 * A coturn (Debian's `coturn`) of our own on loopback, checking the TURN REST API's shared
 * secret as a production install would (`use-auth-secret`). Without a configuration file, loopback
 * peers are allowed: both browsers' relayed addresses are on 127.0.0.1 here.
 */
export async function startCoturn(
  port: number,
  secret = randomBytes(24).toString('hex'),
  options: CoturnOptions = {},
): Promise<Coturn> {
  const placement = [
    '--listening-ip=127.0.0.1',
    ...(options.listeningIps ?? []).map((address) => `--listening-ip=${address}`),
    `--relay-ip=${options.relayIp ?? '127.0.0.1'}`,
    `--listening-port=${port}`,
    `--min-port=${port + 1}`,
    `--max-port=${port + 200}`,
  ];
  const args = options.configFile
    ? ['-c', options.configFile, ...placement, `--static-auth-secret=${secret}`, '--pidfile=', ...(options.extraArgs ?? [])]
    : [
        '-n',
        ...placement,
        '--use-auth-secret',
        `--static-auth-secret=${secret}`,
        '--realm=sotto.test',
        ...(options.tls
          ? [`--tls-listening-port=${options.tls.port}`, `--cert=${options.tls.cert}`, `--pkey=${options.tls.key}`]
          : ['--no-tls']),
        '--no-dtls',
        '--no-cli',
        '--allow-loopback-peers',
        ...(options.extraArgs ?? []),
      ];
  const coturn = await spawnUntilReady(
    BINARY,
    [...args, '--log-file=stdout', '--simple-log'],
    /listener opened on|Total General servers/i,
  );
  // A moment for every listener thread to be up.
  await new Promise((r) => setTimeout(r, 300));
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    secret,
    log: coturn.output,
    stop: coturn.stop,
  };
}
