import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pebble } from '../support/pebble.ts';
import { startPebble } from '../support/pebble.ts';
import type { Spawned } from '../support/spawned.ts';
import { spawnUntilReady } from '../support/spawned.ts';
import { until } from '../support/until.ts';

const DOMAIN = 'meet.sotto.test';
const base = 11_000 + 10 * Math.floor(Math.random() * 90);
const [httpsPort, httpPort, mediaPort] = [base, base + 1, base + 2];
/** Short-lived certificates, so that renewal (two thirds in: 16 s) happens during the test. */
const VALIDITY_SECONDS = 24;

/** The certificate the server presents for DOMAIN, and whether it chains to `root`. */
function presented(root: string): Promise<{ fingerprint: string; names: string; authorized: boolean; error?: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port: httpsPort, servername: DOMAIN, ca: root, rejectUnauthorized: false },
      () => {
        const cert = socket.getPeerCertificate();
        resolve({
          fingerprint: cert.fingerprint256,
          names: cert.subjectaltname ?? '',
          authorized: socket.authorized,
          error: socket.authorizationError?.toString(),
        });
        socket.end();
      },
    );
    socket.on('error', reject);
  });
}

/**
 * The ACME path end to end against Debian's pebble: the installed command asks the CA, answers
 * HTTP-01 on its plain port, serves the issued certificate, renews it two thirds into its
 * lifetime without a restart, and keeps it across a restart.
 */
describe('sotto start --tls acme', () => {
  let pebble: Pebble;
  let sotto: Spawned | undefined;
  const stateDir = mkdtempSync(join(tmpdir(), 'sotto-acme-state-'));

  const startSotto = () =>
    spawnUntilReady(
      process.execPath,
      [
        'packages/server/bin/sotto.mjs',
        'start',
        '--tls=acme',
        `--domain=${DOMAIN}`,
        `--acme-directory=${pebble.directory}`,
        '--acme-email=admin@sotto.test',
        `--port=${httpsPort}`,
        `--http-port=${httpPort}`,
        `--media-port=${mediaPort}`,
        '--host=127.0.0.1',
        '--public-ip=127.0.0.1',
        `--state-dir=${stateDir}`,
      ],
      /Sotto is running/,
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: pebble.listenerCertFile, SOTTO_LOG_LEVEL: 'info' }, timeoutMs: 30_000 },
    );

  beforeAll(async () => {
    pebble = await startPebble({ httpPort, validitySeconds: VALIDITY_SECONDS, ports: [base + 3, base + 4, base + 5] });
  });
  afterAll(async () => {
    await sotto?.stop();
    await pebble?.stop();
  });

  it('gets a certificate over HTTP-01, renews it in place, and keeps it across a restart', async () => {
    sotto = await startSotto();
    expect(sotto.output()).toContain(`Open https://${DOMAIN}:${httpsPort}/`);
    const root = await pebble.root();
    const first = await presented(root);
    expect(first.error).toBeUndefined();
    expect(first.authorized).toBe(true);
    expect(first.names).toBe(`DNS:${DOMAIN}`);

    // HTTPS serves the app with HSTS; plain HTTP redirects to it.
    const health = await new Promise<{ status?: number; hsts?: string }>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: httpsPort, servername: DOMAIN, ca: root }, () => {
        socket.write(`GET /health HTTP/1.1\r\nHost: ${DOMAIN}:${httpsPort}\r\nConnection: close\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (d) => {
        text += d;
      });
      socket.on('end', () =>
        resolve({
          status: Number(/^HTTP\/1.1 (\d+)/.exec(text)?.[1]),
          hsts: /strict-transport-security: (.*)\r/i.exec(text)?.[1],
        }),
      );
      socket.on('error', reject);
    });
    expect(health).toEqual({ status: 200, hsts: 'max-age=31536000' });
    const redirect = await new Promise<string | undefined>((resolve, reject) =>
      get(`http://127.0.0.1:${httpPort}/some-room`, (res) => {
        res.resume();
        resolve(res.headers.location);
      }).on('error', reject),
    );
    expect(redirect).toBe(`https://${DOMAIN}:${httpsPort}/some-room`);

    // Renewal two thirds into the lifetime, served without a restart.
    let renewed = first;
    await until(
      'the renewed certificate is served',
      () => {
        presented(root).then(
          (now) => {
            renewed = now;
          },
          () => {},
        );
        return renewed.fingerprint !== first.fingerprint;
      },
      VALIDITY_SECONDS * 1000,
    );
    expect(renewed.authorized).toBe(true);
    expect((sotto.output().match(/ACME certificate issued/g) ?? []).length).toBe(2);

    // A restart serves the stored certificate: the CA is not asked again.
    await sotto.stop();
    sotto = await startSotto();
    expect((await presented(root)).fingerprint).toBe(renewed.fingerprint);
    expect(sotto.output()).not.toContain('ACME certificate issued');
  });

  it('a CA that does not answer stops the start at once, saying so', () => {
    const result = spawnSync(
      process.execPath,
      [
        'packages/server/bin/sotto.mjs',
        'start',
        '--tls=acme',
        `--domain=${DOMAIN}`,
        `--acme-directory=https://127.0.0.1:${base + 6}/dir`,
        `--port=${base + 7}`,
        `--http-port=${base + 8}`,
        `--media-port=${base + 9}`,
        '--host=127.0.0.1',
        `--state-dir=${stateDir}-2`,
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /could not get a certificate from the ACME CA https:\/\/127\.0\.0\.1:\d+\/dir: it does not answer \(ECONNREFUSED\)/,
    );
  });
});
