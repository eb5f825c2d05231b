import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../packages/server/src/tls/self-signed.ts';
import type { Coturn } from '../support/coturn.ts';
import { startCoturn } from '../support/coturn.ts';

/** The `sotto` command as installed: it runs the bundled server (`npm run build`), not TypeScript. */
const SOTTO_BIN = 'packages/server/bin/sotto.mjs';

describe('sotto doctor', () => {
  const doctor = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [SOTTO_BIN, 'doctor', ...args], {
      encoding: 'utf8',
      env: { ...process.env, SOTTO_CONFIG: '/dev/null', ...env },
    });

  it('passes on free ports, warns about an address that is not this machine’s, and fails (non-zero) on a port in use', async () => {
    const port = 13_000 + Math.floor(Math.random() * 100);
    const fine = doctor(['--port', String(port), '--media-port', String(port + 1), '--public-ip', '127.0.0.1']);
    expect(fine.status).toBe(0);
    expect(fine.stdout).toMatch(new RegExp(`^PASS  TCP port ${port} `, 'm'));
    expect(fine.stdout).toMatch(new RegExp(`^PASS  UDP port ${port + 1} `, 'm'));
    expect(fine.stdout).toMatch(/^PASS {2}announced media address: 127\.0\.0\.1/m);

    const elsewhere = doctor(['--port', String(port), '--media-port', String(port + 1), '--public-ip', '198.51.100.7']);
    expect(elsewhere.stdout).toMatch(
      /^WARN {2}announced media address: 198\.51\.100\.7 is not an address of this machine\n {6}fix: /m,
    );

    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(port, '0.0.0.0', () => resolve()));
    try {
      const busy = doctor(['--port', String(port), '--media-port', String(port + 1)]);
      expect(busy.status).toBe(1);
      expect(busy.stdout).toMatch(
        new RegExp(`^FAIL  TCP port ${port} \\(web and signaling\\): in use by another program\\n {6}fix: `, 'm'),
      );
    } finally {
      blocker.close();
    }
  });

  describe('with TLS, a domain and TURN', () => {
    let coturn: Coturn;
    const turnPort = 13_200 + 2 * Math.floor(Math.random() * 100);
    const turnCert = join(mkdtempSync(join(tmpdir(), 'sotto-doctor-turns-')), 'tls');
    beforeAll(async () => {
      await selfSignedCertificate(turnCert, ['localhost']);
      const tls = { port: turnPort + 201, cert: join(turnCert, 'self-signed.crt'), key: join(turnCert, 'self-signed.key') };
      coturn = await startCoturn(turnPort, undefined, { tls });
    });
    afterAll(() => coturn?.stop());

    it('passes a certificate that names the domain, a domain that resolves here and a TURN server that takes the secret', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sotto-doctor-'));
      const pair = await selfSignedCertificate(dir, ['localhost']);
      writeFileSync(join(dir, 'cert.pem'), pair.cert);
      writeFileSync(join(dir, 'key.pem'), pair.key);
      const port = 13_700 + Math.floor(Math.random() * 50);
      const common = [
        '--port',
        String(port),
        '--media-port',
        String(port + 1),
        '--public-ip',
        '127.0.0.1',
        '--domain',
        'localhost',
      ];
      const tls = ['--tls', 'files', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')];
      const good = doctor([...common, ...tls, '--turn-urls', coturn.url, '--turn-secret', coturn.secret]);
      expect(good.stdout).toMatch(/^PASS {2}DNS for localhost: resolves to .*127\.0\.0\.1/m);
      expect(good.stdout).toMatch(/^PASS {2}TLS certificate \(files\): valid until \d{4}-\d\d-\d\d \(36\d days left\)/m);
      expect(good.stdout).toMatch(
        new RegExp(`^PASS  TURN ${coturn.url.replace(/[?.]/g, '\\$&')}: answers and gives a relay`, 'm'),
      );
      expect(good.status).toBe(0);

      // A wrong secret, a certificate for another name, a key that is not the certificate's.
      const other = await selfSignedCertificate(mkdtempSync(join(tmpdir(), 'sotto-doctor-')), ['other.example.org']);
      writeFileSync(join(dir, 'other.pem'), other.cert);
      const wrongName = ['--tls', 'files', '--tls-cert', join(dir, 'other.pem'), '--tls-key', join(dir, 'key.pem')];
      const bad = doctor([...common, ...wrongName, '--turn-urls', coturn.url, '--turn-secret', 'not the secret coturn has']);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(
        /^FAIL {2}TLS certificate \(files\): the private key does not belong to the certificate\n {6}fix: /m,
      );
      expect(bad.stdout).toMatch(/^FAIL {2}TURN .*: refused: 401 .*\n {6}fix: the TURN secret differs from coturn/m);
      writeFileSync(join(dir, 'other.key'), other.key);
      const named = doctor([
        ...common,
        '--tls',
        'files',
        '--tls-cert',
        join(dir, 'other.pem'),
        '--tls-key',
        join(dir, 'other.key'),
      ]);
      expect(named.stdout).toMatch(
        /^FAIL {2}TLS certificate \(files\): does not name localhost \(it names other\.example\.org\)/m,
      );
    });

    it('a TURN server that does not answer and a domain that does not resolve are named', () => {
      const port = 13_800 + Math.floor(Math.random() * 30);
      const result = doctor([
        '--port',
        String(port),
        '--media-port',
        String(port + 1),
        '--tls',
        'acme',
        '--domain',
        'no-such-host.invalid',
        '--http-port',
        String(port + 2),
        '--state-dir',
        mkdtempSync(join(tmpdir(), 'sotto-doctor-')),
        '--turn-urls',
        `turn:127.0.0.1:${turnPort + 300}?transport=tcp`,
        '--turn-secret',
        'a secret of sixteen chars',
      ]);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/^FAIL {2}DNS for no-such-host\.invalid: does not resolve/m);
      expect(result.stdout).toMatch(/^WARN {2}TLS certificate \(acme\): none yet/m);
      expect(result.stdout).toMatch(/^FAIL {2}TURN turn:127\.0\.0\.1:\d+\?transport=tcp: .*ECONNREFUSED/m);
    });

    it('tries TURN over TLS, and names a certificate it cannot trust', () => {
      const port = 13_850 + Math.floor(Math.random() * 30);
      const args = ['--port', String(port), '--media-port', String(port + 1), '--public-ip', '127.0.0.1'];
      const turn = ['--turn-urls', `turns:localhost:${turnPort + 201}?transport=tcp`, '--turn-secret', coturn.secret];
      const trusted = doctor([...args, ...turn], { NODE_EXTRA_CA_CERTS: join(turnCert, 'self-signed.crt') });
      expect(trusted.stdout).toMatch(/^PASS {2}TURN turns:localhost:\d+\?transport=tcp: answers and gives a relay/m);
      const untrusted = doctor([...args, ...turn]);
      expect(untrusted.status).toBe(1);
      expect(untrusted.stdout).toMatch(/^FAIL {2}TURN turns:localhost:\d+\?transport=tcp: self-signed certificate/m);
    });
  });
});
