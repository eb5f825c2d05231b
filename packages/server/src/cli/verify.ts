import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the web build writes beside the app (packages/web/build/integrity-plugin.ts). */
interface BuildManifest {
  build: string;
  files: Record<string, string>;
}

export interface VerifyResult {
  identical: boolean;
  lines: string[];
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * `sotto verify URL`: fetches every file of the web app a running server serves and compares each,
 * byte for byte (by SHA-256), with this machine's build in `webRoot`. Files are named in the
 * report when they differ, are missing on either side, or only the server lists them.
 */
export async function verifyServer(url: string, webRoot: string): Promise<VerifyResult> {
  const base = url.replace(/\/+$/, '');
  const local = JSON.parse(readFileSync(join(webRoot, 'build-manifest.json'), 'utf8')) as BuildManifest;
  const servedManifest = await fetch(`${base}/build-manifest.json`);
  if (!servedManifest.ok)
    return { identical: false, lines: [`the server has no build-manifest.json (HTTP ${servedManifest.status})`] };
  const served = (await servedManifest.json()) as BuildManifest;
  const paths = [...new Set([...Object.keys(local.files), ...Object.keys(served.files ?? {})])].sort();
  const lines: string[] = [];
  for (const path of paths) {
    if (!(path in local.files)) {
      lines.push(`DIFFERENT  ${path}: served, not in the local build`);
      continue;
    }
    const localHash = sha256(readFileSync(join(webRoot, path)));
    const response = await fetch(`${base}/${path}`);
    if (!response.ok) {
      lines.push(`DIFFERENT  ${path}: the server answers HTTP ${response.status}`);
      continue;
    }
    const servedHash = sha256(new Uint8Array(await response.arrayBuffer()));
    if (servedHash !== localHash)
      lines.push(`DIFFERENT  ${path}: served ${servedHash.slice(0, 16)}…, built ${localHash.slice(0, 16)}…`);
  }
  const identical = lines.length === 0 && served.build === local.build;
  if (served.build !== local.build) lines.push(`build ${served.build} served, ${local.build} built here`);
  lines.push(
    identical ? `Identical: all ${paths.length} files, build ${local.build}.` : 'The served app differs from this build.',
  );
  return { identical, lines };
}
