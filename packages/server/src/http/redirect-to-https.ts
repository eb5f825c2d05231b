import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AcmeChallenges } from '../tls/acme-certificate.ts';

const CHALLENGE_PATH = '/.well-known/acme-challenge/';

/**
 * The plain-HTTP listener beside HTTPS: answers ACME HTTP-01 challenges, and sends every other
 * request to the same path over HTTPS (to `domain` when set, else the host that was asked for).
 */
export function redirectToHttps(options: { domain: string | undefined; httpsPort: number; challenges: AcmeChallenges }): Server {
  return createServer((req, res) => {
    const path = req.url ?? '/';
    if (path.startsWith(CHALLENGE_PATH)) {
      const answer = options.challenges.get(path.slice(CHALLENGE_PATH.length));
      res.statusCode = answer === undefined ? 404 : 200;
      res.setHeader('Content-Type', 'text/plain');
      res.end(answer ?? 'no such challenge\n');
      return;
    }
    const host = options.domain ?? hostOnly(req.headers.host);
    if (host === null || !path.startsWith('/')) {
      res.statusCode = 400;
      res.end('Use HTTPS.\n');
      return;
    }
    const port = options.httpsPort === 443 ? '' : `:${options.httpsPort}`;
    res.statusCode = 301;
    res.setHeader('Location', `https://${host}${port}${path}`);
    res.end();
  });
}

/** The Host header without its port, when it is a plain host name or address (nothing to inject). */
function hostOnly(header: string | undefined): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d+)?$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
