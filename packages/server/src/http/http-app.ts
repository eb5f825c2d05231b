import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROOM_NAME_PATTERN } from '@sotto/protocol';
import { log } from '../log.ts';
import { setSecurityHeaders } from './security-headers.ts';
import { serveStatic } from './static-files.ts';

export interface HttpAppOptions {
  /** The built web app (packages/web/dist). */
  webRoot: string;
  /** What the web app needs to know about this server before joining (/config.json). */
  clientConfig: () => Record<string, unknown>;
  /** Served over HTTPS with a CA-issued certificate: browsers are told to use HTTPS only. */
  hsts: boolean;
  /** Origins allowed to frame the app (as origins: scheme, host and port). */
  embedOrigins: readonly string[];
}

/** The HTTP side: the web app (every room URL is the app), /health, /config.json, nothing else. */
export function createHttpApp(options: HttpAppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const built = existsSync(options.webRoot);
  if (!built) log.warn('the web app is not built: run `npm run build` (npm start does it)');
  return (req, res) => {
    handle(req, res, options).catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpAppOptions): Promise<void> {
  setSecurityHeaders(res, options);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.statusCode = 405;
    res.end();
    return;
  }
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/health' || path === '/config.json') {
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-store');
    // /health says only that the server answers: how many meetings and sockets is not public (see /metrics).
    res.end(JSON.stringify(path === '/health' ? { status: 'ok' } : options.clientConfig()));
    return;
  }
  if (path !== '/' && (await serveStatic(options.webRoot, path, res))) return;
  // "/" and every room path get the app; the app reads the room from the URL.
  const room = path.slice(1);
  if (path === '/' || ROOM_NAME_PATTERN.test(room)) {
    if (await serveStatic(options.webRoot, '/index.html', res)) return;
    res.statusCode = 503;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('The Sotto web app is not built. Run `npm run build` on the server.\n');
    return;
  }
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end('Not found\n');
}
