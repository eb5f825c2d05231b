import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

/** The file that lists every built file with its SHA-256: what `sotto verify` compares. */
export const BUILD_MANIFEST = 'build-manifest.json';

export interface BuildManifest {
  /** SHA-256 over the sorted "path hash" lines: one value to compare by eye (About / verify). */
  build: string;
  /** Every file of the built app (but this one) and its SHA-256, hex. */
  files: Record<string, string>;
}

const sha = (algorithm: string, data: string | Uint8Array, encoding: 'hex' | 'base64') =>
  createHash(algorithm).update(data).digest(encoding);

/** The manifest of `files` (path → content). */
export function buildManifest(files: Record<string, string | Uint8Array>): BuildManifest {
  const hashes = Object.fromEntries(
    Object.keys(files)
      .sort()
      .map((path) => [path, sha('sha256', files[path] as string | Uint8Array, 'hex')]),
  );
  const lines = Object.entries(hashes).map(([path, hash]) => `${path} ${hash}\n`);
  return { build: sha('sha256', lines.join(''), 'hex'), files: hashes };
}

/**
 * Subresource Integrity on every script and stylesheet index.html loads (a changed byte on the
 * way, or on the server after the page, is refused by the browser), and build-manifest.json
 * listing every file with its hash. Done on the files as written (Vite rewrites chunks until the
 * very end of the bundle step), then index.html is written again.
 */
export function integrity(): Plugin {
  return {
    name: 'sotto-integrity',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir as string;
      const read = (fileName: string) => (fileName in bundle ? readFileSync(join(dir, fileName)) : null);
      const html = read('index.html');
      if (html) {
        const withIntegrity = html
          .toString('utf8')
          .replace(/<(script|link)([^>]*?)\s(src|href)="\/([^"]+)"([^>]*)>/g, (tag, name, before, attribute, path, after) => {
            const file = read(path);
            if (file === null || tag.includes('integrity=')) return tag;
            return `<${name}${before} ${attribute}="/${path}" integrity="sha384-${sha('sha384', file, 'base64')}"${after}>`;
          });
        writeFileSync(join(dir, 'index.html'), withIntegrity);
      }
      const files: Record<string, Uint8Array> = {};
      for (const fileName of Object.keys(bundle)) files[fileName] = readFileSync(join(dir, fileName));
      writeFileSync(join(dir, BUILD_MANIFEST), `${JSON.stringify(buildManifest(files), null, 1)}\n`);
    },
  };
}
