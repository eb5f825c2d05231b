import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../packages/server/src/http/static-files.ts';
import { expectLiveVideos, joinThroughUi, newPage } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';

const CLIENT = 'packages/client';
// The example's own origin (19xxx: the embedding range), which the server must allow.
const PORT = 19_700 + Math.floor(Math.random() * 200);

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk) => {
      errors += chunk;
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')}: ${errors}`))));
  });
}

const filesUnder = (folder: string): string[] =>
  readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

describe('the SDK as a package, and an app built on it alone', () => {
  const env = useServerAndBrowser({ allowedOrigins: [`http://127.0.0.1:${PORT}`] });
  const built = mkdtempSync(join(tmpdir(), 'sotto-example-'));
  let site: Server;
  beforeAll(async () => {
    await run('node', ['scripts/build-client.mjs']);
    await run('npx', ['vite', 'build', 'examples/hello-sotto', '--outDir', built, '--emptyOutDir', '--logLevel', 'error']);
    site = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      void serveStatic(built, path === '/' ? '/index.html' : path, res).then((found) => {
        if (!found) {
          res.statusCode = 404;
          res.end();
        }
      });
    });
    await new Promise<void>((resolve) => site.listen(PORT, '127.0.0.1', resolve));
  }, 120_000);
  afterAll(() => new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve())));

  it('the package is JavaScript and type declarations only, and its exports exist', () => {
    const pkg = JSON.parse(readFileSync(`${CLIENT}/package.json`, 'utf8')) as {
      exports: Record<string, Record<string, string>>;
      files: string[];
    };
    expect(pkg.files).toEqual(['dist']);
    for (const target of Object.values(pkg.exports['.'] ?? {})) {
      expect(target).toMatch(/^\.\/dist\//);
      expect(existsSync(join(CLIENT, target))).toBe(true);
    }
    const files = filesUnder(`${CLIENT}/dist`);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    for (const name of ['index.js', 'e2ee-worker.js', 'segmentation-worker.js', 'voice-disguise-worklet.js'])
      expect(existsSync(`${CLIENT}/dist/${name}`)).toBe(true);
    const types = readFileSync(`${CLIENT}/dist/types/client/src/index.d.ts`, 'utf8');
    expect(types).toContain("export { Conference } from './conference.js'");
    expect(files.filter((f) => f.endsWith('.d.ts')).some((f) => readFileSync(f, 'utf8').includes('@sotto/'))).toBe(false);
    // The example imports nothing of Sotto's but the package.
    const example = readFileSync('examples/hello-sotto/main.js', 'utf8');
    expect([...example.matchAll(/from '([^']+)'/g)].map((m) => m[1])).toEqual(['@sotto/client']);
  });

  it('the example, served from its own origin, meets a browser on Sotto’s app, end-to-end encrypted', async () => {
    const { page: ana } = await newPage(env.browser, env.server.url);
    await ana.goto(`http://127.0.0.1:${PORT}/?server=${encodeURIComponent(env.server.url)}&room=sdk-room&name=Ana`);
    await ana.getByRole('button', { name: 'Join' }).click();
    await ana.getByText(/Joined/).waitFor({ timeout: 20_000 });
    const { page: bo } = await newPage(env.browser, env.server.url);
    await joinThroughUi(bo, `${env.server.url}/sdk-room`, 'Bo');
    await expect.poll(() => ana.locator('figcaption').allTextContents(), { timeout: 15_000 }).toEqual(['Bo']);
    await expect
      .poll(() => ana.evaluate(() => document.querySelector<HTMLVideoElement>('figure video')?.videoWidth ?? 0), {
        timeout: 20_000,
      })
      .toBeGreaterThan(0);
    await expect.poll(() => ana.locator('#status').textContent(), { timeout: 20_000 }).toContain('End-to-end encryption: on');
    await expectLiveVideos(bo, 1);
  });
});
