import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

export interface Coturn {
  url: string;
  secret: string;
  stop(): Promise<void>;
}

const BINARY = ['/usr/bin/turnserver', '/usr/sbin/turnserver'].find((p) => existsSync(p)) ?? 'turnserver';

/**
 * A coturn (Debian's `coturn`) of our own on loopback, checking the TURN REST API's shared
 * secret as a production install would (`use-auth-secret`). Loopback peers must be allowed: both
 * browsers' relayed addresses are on 127.0.0.1 here.
 */
export async function startCoturn(port: number, secret = randomBytes(24).toString('hex')): Promise<Coturn> {
  const child: ChildProcess = spawn(
    BINARY,
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${port + 1}`,
      `--max-port=${port + 200}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=sotto.test',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--allow-loopback-peers',
      '--log-file=stdout',
      '--simple-log',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`coturn did not start:\n${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listener opened on|Total General servers/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`coturn exited (${code}):\n${output}`));
    });
  });
  await ready;
  // A moment for every listener thread to be up.
  await new Promise((r) => setTimeout(r, 300));
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    secret,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
