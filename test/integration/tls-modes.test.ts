import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import type { RunningServer } from '@sotto/server';
import { afterAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../packages/server/src/tls/self-signed.ts';
import { startTestServer } from '../support/server.ts';
import type { Spawned } from '../support/spawned.ts';
import { spawnUntilReady } from '../support/spawned.ts';
import { until } from '../support/until.ts';

/** SHA-256 fingerprint of the certificate a TLS server on loopback presents. */
function presentedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('--tls self-signed', () => {
  let sotto: Spawned | undefined;
  afterAll(() => sotto?.stop());

  it('serves HTTPS with the fingerprint it prints, the same one after a restart', async () => {
    const port = 12_000 + 2 * Math.floor(Math.random() * 400);
    const stateDir = mkdtempSync(join(tmpdir(), 'sotto-self-signed-'));
    const start = () =>
      spawnUntilReady(
        process.execPath,
        [
          'packages/server/bin/sotto.mjs',
          'start',
          '--tls=self-signed',
          `--port=${port}`,
          `--media-port=${port + 1}`,
          '--host=127.0.0.1',
        ],
        /SHA-256 fingerprint \S+/,
        { env: { ...process.env, SOTTO_STATE_DIR: stateDir } },
      );
    sotto = await start();
    expect(sotto.output()).toContain(`Open https://localhost:${port}/`);
    const printed = /SHA-256 fingerprint (\S+)/.exec(sotto.output())?.[1];
    expect(await presentedFingerprint(port)).toBe(printed);
    const health = await fetch(`https://localhost:${port}/health`).catch((error: Error) => error);
    expect(health).toBeInstanceOf(Error); // not trusted by default: the person compares the fingerprint
    await sotto.stop();
    sotto = await start();
    expect(/SHA-256 fingerprint (\S+)/.exec(sotto.output())?.[1]).toBe(printed);
  });
});

describe('--tls files', () => {
  let server: RunningServer | undefined;
  afterAll(() => server?.close());

  it('serves the given certificate and a replacement as soon as both files are swapped, without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sotto-files-'));
    const [a, b] = [mkdtempSync(join(dir, 'a-')), mkdtempSync(join(dir, 'b-'))];
    const first = await selfSignedCertificate(a, ['localhost']);
    const second = await selfSignedCertificate(b, ['localhost']);
    const [certFile, keyFile] = [join(dir, 'fullchain.pem'), join(dir, 'privkey.pem')];
    writeFileSync(certFile, first.cert);
    writeFileSync(keyFile, first.key);
    server = await startTestServer({ tls: 'files', tlsCert: certFile, tlsKey: keyFile });
    expect(server.url).toMatch(/^https:\/\/localhost:\d+$/);
    const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;
    expect(await presentedFingerprint(server.port)).toBe(fingerprintOf(first.cert));

    // Half-way (new certificate, old key) nothing changes; once the key follows, the new pair is served.
    copyFileSync(join(b, 'self-signed.crt'), certFile);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await presentedFingerprint(server.port)).toBe(fingerprintOf(first.cert));
    writeFileSync(`${keyFile}.new`, second.key);
    renameSync(`${keyFile}.new`, keyFile);
    let now = '';
    await until(
      'the new certificate is served',
      () => {
        presentedFingerprint(server?.port ?? 0).then(
          (f) => {
            now = f;
          },
          () => {},
        );
        return now === fingerprintOf(second.cert);
      },
      10_000,
    );
  });
});
