import { mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/environment.ts';

const webRoot = mkdtempSync(join(tmpdir(), 'sotto-static-'));
writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(join(webRoot, 'big.bin'), Buffer.alloc(4 * 1024 * 1024, 7));
// A "file" whose every read fails (EIO): a read error mid-download must not take the server down.
symlinkSync('/proc/self/mem', join(webRoot, 'broken.bin'));

/** A raw HTTP/1.1 request: fetch would normalise the path before it leaves. */
function rawGet(port: number, path: string, options: { abortAfterBytes?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`),
    );
    let received = '';
    let bytes = 0;
    socket.on('data', (chunk) => {
      bytes += chunk.length;
      if (received.length < 2000) received += chunk.toString('latin1');
      if (options.abortAfterBytes !== undefined && bytes >= options.abortAfterBytes) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('close', () => resolve(received));
    socket.on('error', () => resolve(received));
  });
}

const openFds = () => readdirSync('/proc/self/fd').length;

describe('static files', () => {
  const env = useServer({ webRoot });

  it('never serves anything outside the web root, however the path is encoded', async () => {
    for (const path of [
      '/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/assets/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/..%5c..%5c..%5cetc%5cpasswd',
      '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd',
      '/big.bin%00.html',
    ]) {
      const response = await rawGet(env.server.port, path);
      expect(response.split('\r\n')[0], path).toMatch(/^HTTP\/1\.1 (404|400)/);
      expect(response).not.toContain('root:');
    }
  });

  it('closes the file of every download the client aborts', async () => {
    const before = openFds();
    for (let i = 0; i < 100; i++) await rawGet(env.server.port, '/big.bin', { abortAfterBytes: 64 * 1024 });
    await new Promise((r) => setTimeout(r, 500));
    expect(openFds() - before).toBeLessThan(10);
  });

  it('survives a read error in the middle of a download, and goes on serving', async () => {
    await rawGet(env.server.port, '/broken.bin');
    const health = await fetch(`${env.server.url}/health`);
    expect(health.status).toBe(200);
    expect((await rawGet(env.server.port, '/index.html')).split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
  });
});
