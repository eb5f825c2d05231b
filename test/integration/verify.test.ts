import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { RunningServer } from '@sotto/server';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/server.ts';

const DIST = 'packages/web/dist';

/** Every file below `dir`, by path relative to it. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(relative(dir, full), readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

/** `sotto verify` as a child process (asynchronous: the server it asks runs in this process). */
function verify(url: string): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['packages/server/bin/sotto.mjs', 'verify', url, '--web-root', DIST]);
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.on('close', (status) => resolve({ status, stdout }));
  });
}

/** A client you can verify: reproducible builds, Subresource Integrity, and `sotto verify`. */
describe('a client you can verify', () => {
  let server: RunningServer | undefined;
  afterAll(() => server?.close());

  it('two clean builds of the web app are byte-identical', () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'sotto-build-a-')), mkdtempSync(join(tmpdir(), 'sotto-build-b-'))];
    for (const out of [a, b])
      execFileSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir'], { cwd: 'packages/web', stdio: 'ignore' });
    const [first, second] = [tree(a), tree(b)];
    expect([...first.keys()].sort()).toEqual([...second.keys()].sort());
    for (const [path, content] of first) expect(content.equals(second.get(path) as Buffer), path).toBe(true);
  }, 60_000);

  it('every script and stylesheet of the page carries the SHA-384 of its file', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const tags = [...html.matchAll(/<(?:script|link rel="stylesheet")[^>]*(?:src|href)="\/([^"]+)"[^>]*>/g)];
    expect(tags.length).toBeGreaterThanOrEqual(2);
    for (const [tag, path] of tags) {
      const expected = createHash('sha384')
        .update(readFileSync(join(DIST, path as string)))
        .digest('base64');
      expect(tag).toContain(`integrity="sha384-${expected}"`);
    }
  });

  it('sotto verify finds a server serving this build identical, and names the file when one byte differs', async () => {
    const served = mkdtempSync(join(tmpdir(), 'sotto-served-'));
    cpSync(DIST, served, { recursive: true });
    server = await startTestServer({ webRoot: served });
    const same = await verify(server.url);
    expect(same.stdout).toMatch(/^Identical: all \d+ files, build [0-9a-f]{64}\.$/m);
    expect(same.status).toBe(0);

    const script = [...tree(served).keys()].find((p) => /^assets\/index-.*\.js$/.test(p)) as string;
    const bytes = readFileSync(join(served, script));
    bytes[100] = (bytes[100] as number) ^ 0x01;
    writeFileSync(join(served, script), bytes);
    const changed = await verify(server.url);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain(`DIFFERENT  ${script}: served `);
    expect(changed.stdout).toContain('The served app differs from this build.');
  });
});
