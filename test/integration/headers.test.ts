import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/environment.ts';

/**
 * The response headers are exactly those docs/privacy.md lists (under "Headers"), on the page,
 * its scripts, the model files and the JSON endpoints: the document and the server cannot drift.
 */
const DOC = readFileSync(fileURLToPath(new URL('../../docs/privacy.md', import.meta.url)), 'utf8');
const documented = new Map(
  (/## Headers[\s\S]*?```http\n([\s\S]*?)```/.exec(DOC)?.[1] ?? '')
    .trim()
    .split('\n')
    .map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
    }),
);
/** What HTTP itself needs, and nothing about the person or the page's powers. */
const TRANSPORT = new Set([
  'content-type',
  'content-length',
  'cache-control',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);

describe('security headers, as documented', () => {
  const env = useServer();

  it('every response carries exactly the documented headers (and HTTP’s own)', async () => {
    expect(documented.get('content-security-policy')).toContain("default-src 'self'");
    const script = readdirSync(fileURLToPath(new URL('../../packages/web/dist/assets', import.meta.url))).find((f) =>
      f.startsWith('index-'),
    );
    const paths = [
      '/',
      '/some-room',
      `/assets/${script}`,
      '/mediapipe/selfie_segmentation_solution_simd_wasm_bin.wasm',
      '/config.json',
      '/build-manifest.json',
    ];
    for (const path of paths) {
      const response = await fetch(`${env.server.url}${path}`);
      expect(response.status, path).toBe(200);
      const sent = Object.fromEntries(response.headers);
      for (const [name, value] of documented) expect(sent[name], `${name} on ${path}`).toBe(value);
      expect(
        Object.keys(sent).filter((name) => !documented.has(name) && !TRANSPORT.has(name)),
        path,
      ).toEqual([]);
      await response.arrayBuffer();
    }
  });
});
