import type { ServerResponse } from 'node:http';

/**
 * Headers on every response. The CSP is the enforcement of "no request leaves the origin": the
 * page can only load and connect to this server (`'self'` covers its ws:/wss: endpoint).
 */
export function setSecurityHeaders(res: ServerResponse, options: { hsts: boolean; embedOrigins: readonly string[] }): void {
  // HSTS only with a CA's certificate: with a self-signed one it would make the browser's
  // "accept this certificate" choice impossible for a year.
  if (options.hsts) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      "script-src 'self' 'wasm-unsafe-eval'",
      "style-src 'self'",
      "img-src 'self' data: blob:",
      "media-src 'self' blob: mediastream:",
      "connect-src 'self'",
      "worker-src 'self' blob:",
      "object-src 'none'",
      "base-uri 'none'",
      // Who may put the meeting in an iframe: this server, and the embed allow-list (docs/embedding.md).
      ["frame-ancestors 'self'", ...options.embedOrigins].join(' '),
      "form-action 'self'",
    ].join('; '),
  );
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(self), microphone=(self), display-capture=(self), geolocation=()');
}
