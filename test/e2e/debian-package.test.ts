import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLiveVideos, joinThroughUi, launchBrowser, newPage } from '../support/browser.ts';
import type { Pebble } from '../support/pebble.ts';
import { startPebble } from '../support/pebble.ts';
import { until } from '../support/until.ts';

const DOMAIN = 'meet.sotto.test';

const run = (command: string, args: string[]) =>
  execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * The Debian package, built and installed on this machine as docs/self-hosting.md says: its layout,
 * its systemd unit (checked with systemd-analyze; this machine runs no systemd to start it), and the
 * guide's steps 4 and 5 — the config lines, `sotto doctor`, the service started as the package's
 * user — with Debian's pebble standing in for Let's Encrypt, then a meeting over HTTPS for two
 * browsers. Purged afterwards. Needs root, as CI has.
 */
describe('the Debian package', () => {
  let deb: string;
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let pebble: Pebble | undefined;

  beforeAll(() => {
    const built = run(process.execPath, ['scripts/build-deb.mjs']).trim().split('\n');
    deb = built[built.length - 1] as string;
    // Step 3 of the guide (apt-get resolves nothing to download: nodejs and adduser are here).
    run('apt-get', ['install', '-y', '-qq', deb]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
    await pebble?.stop();
    spawnSync('dpkg', ['--purge', 'sotto']);
  });

  it('installs the app, the command, a private config file, the unit and the UDP buffer drop-in', () => {
    expect(run('dpkg-query', ['-W', '-f=\u0024{Status} \u0024{Version}', 'sotto'])).toMatch(/^install ok installed \d/);
    expect(run('readlink', ['/usr/bin/sotto'])).toContain('/usr/lib/sotto/');
    expect(run('dpkg-query', ['-W', '-f=\u0024{Conffiles}', 'sotto'])).toContain('/etc/sotto/sotto.conf');
    const config = statSync('/etc/sotto/sotto.conf');
    expect(config.mode & 0o777).toBe(0o640);
    expect(run('stat', ['-c', '%U:%G', '/etc/sotto/sotto.conf']).trim()).toBe('root:sotto');
    expect(readFileSync('/etc/sotto/sotto.conf', 'utf8')).toMatch(/^state-dir = "\/var\/lib\/sotto"$/m);
    expect(readFileSync('/usr/lib/sysctl.d/60-sotto.conf', 'utf8')).toMatch(/^net\.core\.rmem_max = \d+$/m);
    const unit = readFileSync('/lib/systemd/system/sotto.service', 'utf8');
    for (const line of ['User=sotto', 'ProtectSystem=strict', 'AmbientCapabilities=CAP_NET_BIND_SERVICE', 'StateDirectory=sotto'])
      expect(unit).toContain(line);
    expect(unit).toMatch(/^RestrictAddressFamilies=.*AF_NETLINK/m);
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=yes/m);
  });

  it('its systemd unit passes systemd-analyze verify', () => {
    const verify = spawnSync('systemd-analyze', ['verify', '/lib/systemd/system/sotto.service'], { encoding: 'utf8' });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  });

  it('followed like docs/self-hosting.md (pebble for Let’s Encrypt): doctor, then a meeting over HTTPS for two browsers', async () => {
    const port = 15_000 + Math.floor(Math.random() * 200) * 2;
    pebble = await startPebble({ httpPort: port + 2, validitySeconds: 3600, ports: [port + 3, port + 4, port + 5] });
    // Step 4 of the guide, with test ports and pebble as the CA.
    const settings = [
      'tls = "acme"',
      `domain = "${DOMAIN}"`,
      'public-ip = "127.0.0.1"',
      `acme-directory = "${pebble.directory}"`,
      `port = ${port}`,
      `http-port = ${port + 2}`,
      `media-port = ${port + 1}`,
      'host = "127.0.0.1"',
    ];
    execFileSync('tee', ['-a', '/etc/sotto/sotto.conf'], {
      input: `${settings.join('\n')}\n`,
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    // Step 5: sotto doctor. Here the domain has no DNS (pebble resolves it on its own), so that is
    // the one check that fails; the rest pass, and no certificate exists before the first start.
    const doctor = spawnSync('sotto', ['doctor', '--config', '/etc/sotto/sotto.conf'], { encoding: 'utf8' });
    expect(doctor.stdout).toMatch(new RegExp(`^PASS  TCP port ${port} `, 'm'));
    expect(doctor.stdout).toMatch(/^WARN {2}TLS certificate \(acme\): none yet/m);
    expect(doctor.stdout.match(/^FAIL .*/gm)).toEqual([
      expect.stringMatching(/^FAIL {2}DNS for meet\.sotto\.test: does not resolve/),
    ]);
    // The service as systemd would run it: the sotto user, /var/lib/sotto as its StateDirectory.
    mkdirSync('/var/lib/sotto', { recursive: true, mode: 0o700 });
    run('chown', ['sotto:sotto', '/var/lib/sotto']);
    // pebble's own certificate, readable by the sotto user (the CA's, for the ACME client to trust).
    const trust = mkdtempSync(join(tmpdir(), 'sotto-deb-ca-'));
    chmodSync(trust, 0o755);
    copyFileSync(pebble.listenerCertFile, join(trust, 'pebble.pem'));
    chmodSync(join(trust, 'pebble.pem'), 0o644);
    let output = '';
    server = spawn('runuser', ['-u', 'sotto', '--', 'sotto', 'start', '--config', '/etc/sotto/sotto.conf'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(trust, 'pebble.pem') },
    });
    for (const stream of [server.stdout, server.stderr]) stream?.on('data', (d) => (output += d));
    await until('the installed server runs with its ACME certificate', () => output.includes('Sotto is running'), 30_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}:\n${output}`);
      },
    );
    expect(output).toContain(`Open https://${DOMAIN}:${port}/`);
    expect(output).toMatch(new RegExp(`HTTPS with an ACME certificate for ${DOMAIN}`));
    // The browsers reach the name on loopback and accept pebble's (test-only) CA.
    browser = await launchBrowser([`--host-resolver-rules=MAP ${DOMAIN} 127.0.0.1`, '--ignore-certificate-errors']);
    const origin = `https://${DOMAIN}:${port}`;
    const { page: ana } = await newPage(browser, origin);
    await joinThroughUi(ana, `${origin}/package-room`, 'Ana');
    const { page: bo } = await newPage(browser, origin);
    await joinThroughUi(bo, `${origin}/package-room`, 'Bo');
    await expectLiveVideos(ana, 1);
    await expectLiveVideos(bo, 1);
  });
});
