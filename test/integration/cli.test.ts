import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOSE_CODES, PROTOCOL_VERSION } from '@sotto/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '../../bench/bot/bot.ts';
import { RawSocket } from '../support/raw-socket.ts';
import { until } from '../support/until.ts';

/** The `sotto` command as installed: it runs the bundled server (`npm run build`), not TypeScript. */
const SOTTO_BIN = 'packages/server/bin/sotto.mjs';

describe('sotto start', () => {
  let child: ChildProcess;
  let output = '';
  const port = 30000 + 2 * Math.floor(Math.random() * 1000);
  const mediaPort = port + 1;
  const url = `http://127.0.0.1:${port}`;

  beforeAll(async () => {
    child = spawn(process.execPath, [SOTTO_BIN, 'start', '--port', String(port), '--public-ip', '127.0.0.1'], {
      env: { ...process.env, NODE_ENV: 'production', SOTTO_LOG_LEVEL: 'debug', SOTTO_MEDIA_PORT: String(mediaPort) },
    });
    child.stdout?.on('data', (d) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d) => {
      output += d.toString();
    });
    await until('server prints its URL', () => output.includes('Open http://localhost'), 15000);
  });
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('prints where to go, serves the app with a strict CSP, and answers /health', async () => {
    expect(output).toContain(`Open http://localhost:${port}/`);
    expect(output).toContain(`UDP port ${mediaPort}`);
    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<div id="app">');
    expect(home.headers.get('content-security-policy')).toContain("default-src 'self'");
    const room = await fetch(`${url}/some-room-name`);
    expect(room.status).toBe(200);
    expect((await fetch(`${url}/../../etc/passwd`)).status).toBe(404);
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok' });
  });

  it('logs no names, room names or IP addresses, even at debug level', async () => {
    const a = await Bot.join({ serverUrl: url, room: 'secret-room-name', name: 'Alice Secretname', videoBitrate: 100_000 });
    const b = await Bot.join({ serverUrl: url, room: 'secret-room-name', name: 'Bob Hiddenname', videoBitrate: 100_000 });
    await until('media', () => a.receivedCounts().video === 1 && b.receivedCounts().video === 1);
    await a.leave();
    b.close(); // vanishes: kept for a possible resume (logged), then let go
    await until(
      'a leave and a detach logged',
      () => (output.match(/member left/g) ?? []).length >= 1 && output.includes('member detached'),
      5000,
    );
    // The banner names the operator's own --public-ip; everything logged after it is checked.
    const logged = output.slice(output.indexOf('over HTTPS.'));
    for (const secret of ['Alice', 'Secretname', 'Hiddenname', 'secret-room-name', '127.0.0.1', '192.0.2', '::1']) {
      expect(logged).not.toContain(secret);
    }
  });

  it('rejects a bad option with a message naming it', async () => {
    const bad = spawn(process.execPath, [SOTTO_BIN, 'start', '--media-port', 'lots']);
    let err = '';
    bad.stderr.on('data', (d) => {
      err += d.toString();
    });
    const code = await new Promise((resolve) => bad.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('--media-port');
  });

  it('stops cleanly on SIGTERM: members are told, newcomers refused, exit within 10 s', async () => {
    const member = await RawSocket.open(url);
    await member.request({ type: 'hello', id: 1, protocol: PROTOCOL_VERSION });
    expect((await member.request({ type: 'join', id: 2, room: 'shutdown-room', name: 'm' })).type).toBe('ok');
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await member.next((m) => m.type === 'removed')).toEqual({ type: 'removed', reason: 'shutdown' });
    expect((await member.waitClosed()).code).toBe(CLOSE_CODES.serviceRestart);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('sotto start with a busy port', () => {
  it('says which port is taken and how to choose another', async () => {
    const { createSocket } = await import('node:dgram');
    const blocker = createSocket('udp4');
    const busyPort = 31_500 + Math.floor(Math.random() * 400);
    await new Promise<void>((resolve) => blocker.bind(busyPort, () => resolve()));
    try {
      const child = spawn(process.execPath, [
        SOTTO_BIN,
        'start',
        '--port',
        String(busyPort + 1),
        '--media-port',
        String(busyPort),
      ]);
      let err = '';
      child.stderr.on('data', (d) => {
        err += d.toString();
      });
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(err).toContain(`UDP port ${busyPort} for media is in use`);
      expect(err).toContain('--media-port');
    } finally {
      blocker.close();
    }
  });
});

describe('sotto init and --print-config', () => {
  const run = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(process.cwd(), SOTTO_BIN), ...args], {
      cwd,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });

  it('writes a commented config file that start reads, below flags and environment, and prints the result with secrets masked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sotto-init-'));
    const written = run(['init'], dir);
    expect(written.status).toBe(0);
    const text = readFileSync(join(dir, 'sotto.conf'), 'utf8');
    expect(text).toContain('# media-port = 10000');
    // Refuses to overwrite without --force.
    expect(run(['init'], dir).status).toBe(1);
    writeFileSync(
      join(dir, 'sotto.conf'),
      `${text}\nmedia-port = 10100\nport = 9000\nturn-urls = ["turn:turn.example.org:3478"]\nturn-secret = "a very long shared secret"\n`,
    );
    const printed = run(['start', '--print-config', '--port', '9100'], dir, { SOTTO_MAX_ROOMS: '7' });
    expect(printed.status).toBe(0);
    expect(printed.stdout).toContain('config file: sotto.conf');
    expect(printed.stdout).toMatch(/^media-port = 10100$/m);
    expect(printed.stdout).toMatch(/^port = 9100$/m);
    expect(printed.stdout).toMatch(/^max-rooms = 7$/m);
    expect(printed.stdout).toMatch(/^turn-secret = "\*{8}"$/m);
    expect(printed.stdout).not.toContain('a very long shared secret');
  });

  it('refuses a bad file with the file, line and key named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sotto-init-'));
    writeFileSync(join(dir, 'sotto.conf'), 'port = 9000\nmedia-prot = 1\n');
    const result = run(['start', '--print-config'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('sotto.conf line 2: unknown key "media-prot"');
  });
});
