import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { RunningServer } from '@sotto/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { selfSignedCertificate } from '../../packages/server/src/tls/self-signed.ts';
import { startTestServer } from '../support/server.ts';
import type { Spawned } from '../support/spawned.ts';
import { spawnUntilReady } from '../support/spawned.ts';
import { until } from '../support/until.ts';

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
async function listening(port: number): Promise<void> {
  let open = false;
  await until(
    `a listener on port ${port}`,
    () => {
      const probe = connect(port, '127.0.0.1', () => {
        open = true;
        probe.destroy();
      }).on('error', () => {});
      return open;
    },
    10_000,
  );
}

const ROOM = 'secret-room-name-for-logs';

/** A page and the signaling WebSocket through the proxy, then a request while Sotto is down. */
async function useThroughProxy(
  base: string,
  stopSotto: () => Promise<void>,
): Promise<{ page: number; socket: boolean; down: number }> {
  const status = (path: string) =>
    new Promise<number>((resolve, reject) =>
      get(`${base}${path}`, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject),
    );
  const page = await status(`/${ROOM}`);
  const socket = await new Promise<boolean>((resolve) => {
    const ws = new WebSocket(`${base.replace('https', 'wss')}/ws`, { rejectUnauthorized: false, origin: base });
    ws.on('open', () => {
      ws.close();
      resolve(true);
    });
    ws.on('error', () => resolve(false));
  });
  await stopSotto();
  return { page, socket, down: await status(`/${ROOM}?again`) };
}

/** Resolves once a TLS handshake for localhost on the port succeeds. */
async function certificateServed(port: number): Promise<void> {
  let done = false;
  await until(
    'a certificate is served',
    () => {
      const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
        done = true;
        socket.destroy();
      }).on('error', () => {});
      return done;
    },
    15_000,
  );
}

const leaksIn = (text: string) => ['127.0.0.1', ROOM].filter((secret) => text.includes(secret));

/**
 * The reverse-proxy examples in deploy/reverse-proxy, run with Debian's nginx and Caddy in front of
 * a real server: pages and the signaling WebSocket go through, and no log line holds the client's
 * address or the room name — not even the error that follows when Sotto is down.
 */
describe('reverse-proxy examples', () => {
  let sotto: RunningServer | undefined;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sotto-proxy-'));
    await selfSignedCertificate(dir, ['localhost']);
  });
  afterAll(() => sotto?.close());

  const upstream = async () => {
    sotto = await startTestServer();
    return sotto.port;
  };
  const stopSotto = async () => {
    await sotto?.close();
    sotto = undefined;
  };

  describe('nginx', () => {
    let nginx: ChildProcess | undefined;
    afterAll(() => nginx?.kill());

    it('proxies the app and the WebSocket; its logs hold neither addresses nor room names', async () => {
      const port = 16_000 + Math.floor(Math.random() * 200) * 2;
      const site = readFileSync('deploy/reverse-proxy/nginx.conf', 'utf8')
        .replaceAll('/var/log/nginx/', `${dir}/`)
        .replaceAll('/etc/letsencrypt/live/meet.example.org/fullchain.pem', join(dir, 'self-signed.crt'))
        .replaceAll('/etc/letsencrypt/live/meet.example.org/privkey.pem', join(dir, 'self-signed.key'))
        .replace(/listen \[::\]:\d+.*\n/g, '')
        .replace('listen 80;', `listen 127.0.0.1:${port + 1};`)
        .replace('listen 443 ssl http2;', `listen 127.0.0.1:${port} ssl http2;`)
        .replace('127.0.0.1:8080', `127.0.0.1:${await upstream()}`);
      writeFileSync(join(dir, 'site.conf'), site);
      writeFileSync(
        join(dir, 'nginx.conf'),
        `pid ${dir}/nginx.pid;\nerror_log ${dir}/main-error.log;\nevents {}\nhttp {\n  include ${dir}/site.conf;\n}\n`,
      );
      nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-g', 'daemon off; master_process off;'], { stdio: 'inherit' });
      await listening(port); // nginx says nothing when it starts well
      const result = await useThroughProxy(`https://127.0.0.1:${port}`, stopSotto);
      expect(result).toEqual({ page: 200, socket: true, down: 502 });
      // nginx writes a request's log line just after answering it.
      const readLogs = () => ['sotto-access.log', 'sotto-error.log'].map((f) => readFileSync(join(dir, f), 'utf8')).join('');
      await until('the 502 logged', () => / GET 502 /.test(readLogs()), 5000);
      const logs = readLogs();
      expect(logs).toMatch(/ GET 200 /);
      expect(logs).toMatch(/ GET 502 /);
      expect(leaksIn(logs)).toEqual([]);
    });
  });

  describe('Caddy', () => {
    let caddy: Spawned | undefined;
    afterAll(() => caddy?.stop());

    it('proxies the app and the WebSocket; its output holds neither addresses nor room names', async () => {
      const port = 16_500 + Math.floor(Math.random() * 200) * 2;
      // As published, but on test ports with Caddy's own local CA instead of Let's Encrypt.
      const config = readFileSync('deploy/reverse-proxy/Caddyfile', 'utf8')
        .replace('{\n', `{\n\tadmin off\n\tlocal_certs\n\tskip_install_trust\n\thttp_port ${port + 1}\n\thttps_port ${port}\n`)
        .replace('meet.example.org {', `https://localhost:${port} {`)
        .replace('127.0.0.1:8080', `127.0.0.1:${await upstream()}`);
      writeFileSync(join(dir, 'Caddyfile'), config);
      caddy = await spawnUntilReady(
        'caddy',
        ['run', '--adapter', 'caddyfile', '--config', join(dir, 'Caddyfile')],
        /serving initial configuration/,
        {
          env: { ...process.env, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir, HOME: dir },
        },
      );
      // Caddy's local CA issues it just after the start; a failure shows what Caddy said.
      await certificateServed(port).catch((error: Error) => {
        throw new Error(`${error.message}\n${caddy?.output()}`);
      });
      const result = await useThroughProxy(`https://localhost:${port}`, stopSotto);
      expect(result).toEqual({ page: 200, socket: true, down: 502 });
      // With the protection on there is no line to wait for: give the logger a moment to write.
      await new Promise((r) => setTimeout(r, 300));
      expect(leaksIn(caddy.output())).toEqual([]);
    });
  });
});
