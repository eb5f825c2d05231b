import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLiveVideos, joinThroughUi, launchBrowser, newPage } from '../support/browser.ts';
import { until } from '../support/until.ts';

const run = (command: string, args: string[]) =>
  execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * The Debian package, built and installed on this machine as an administrator would: its layout,
 * its systemd unit (checked with systemd-analyze; this machine runs no systemd to start it), and
 * the installed `sotto`, run as the package's system user, hosting a meeting two browsers join.
 * Purged afterwards. Needs root, as CI has.
 */
describe('the Debian package', () => {
  let deb: string;
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;

  beforeAll(() => {
    const built = run(process.execPath, ['scripts/build-deb.mjs']).trim().split('\n');
    deb = built[built.length - 1] as string;
    run('dpkg', ['-i', deb]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    server?.kill('SIGTERM');
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

  it('the installed sotto, run as its system user, hosts a meeting that two browsers join', async () => {
    const port = 36_000 + Math.floor(Math.random() * 500) * 2;
    let output = '';
    server = spawn(
      'runuser',
      [
        '-u',
        'sotto',
        '--',
        'sotto',
        'start',
        '--config',
        '/etc/sotto/sotto.conf',
        `--port=${port}`,
        `--media-port=${port + 1}`,
        '--host=127.0.0.1',
        '--public-ip=127.0.0.1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server.stdout?.on('data', (d) => {
      output += d;
    });
    server.stderr?.on('data', (d) => {
      output += d;
    });
    await until('the installed server runs', () => output.includes('Sotto is running'), 15_000);
    browser = await launchBrowser();
    const url = `http://localhost:${port}/package-room`;
    const { page: ana } = await newPage(browser, `http://localhost:${port}`);
    await joinThroughUi(ana, url, 'Ana');
    const { page: bo } = await newPage(browser, `http://localhost:${port}`);
    await joinThroughUi(bo, url, 'Bo');
    await expectLiveVideos(ana, 1);
    await expectLiveVideos(bo, 1);
  });
});
