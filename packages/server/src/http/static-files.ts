import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/**
 * Serves a file below `root`; false when there is none (the caller decides what a miss means).
 * Paths are normalised first so `..` cannot leave the root.
 */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse): Promise<boolean> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return false;
  }
  const path = normalize(join(root, decoded));
  if (path !== root && !path.startsWith(root + sep)) return false;
  // Open first, then ask the open file: no window in which the path can change under us.
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return false;
  }
  let info: Awaited<ReturnType<FileHandle['stat']>>;
  try {
    info = await handle.stat();
  } catch {
    await handle.close().catch(() => {});
    return false;
  }
  if (!info.isFile()) {
    await handle.close().catch(() => {});
    return false;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', TYPES[extname(path)] ?? 'application/octet-stream');
  res.setHeader('Content-Length', info.size);
  // Hashed asset names never change; the HTML must always be fresh.
  res.setHeader('Cache-Control', decoded.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
  // pipeline closes the file on every outcome: done, a read error, or a client that went away.
  await pipeline(handle.createReadStream({ autoClose: true }), res).catch(() => {
    if (!res.destroyed) res.destroy();
  });
  return true;
}
