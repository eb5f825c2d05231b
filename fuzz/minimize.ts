/**
 * Corpus minimisation after a run (like afl-cmin): keep the seeds (seed-*) and the inputs of
 * fixed crashes (crash-*, regression inputs), then, smallest first, only
 * the inputs that reach a (counter, bucket) feature nothing kept so far reaches. The saved corpus
 * stays small enough for the unit tests to replay on every run.
 */

import type { CorpusFile } from './corpus.ts';
import { CoverageMap } from './coverage.ts';
import type { FuzzFunction } from './instrument.ts';

/**
 * Bytes of non-seed inputs kept per target, so the repository does not swell with 32 KiB SDPs
 * whose only news is "a loop ran 128+ times"; a full run finds those again in seconds.
 */
export const MAX_SAVED_BYTES = 256 * 1024;

export function minimize(files: readonly CorpusFile[], fuzz: FuzzFunction, counters: Uint32Array): CorpusFile[] {
  const map = new CoverageMap(counters);
  const featuresOf = (data: Buffer): number[] => {
    map.reset();
    try {
      fuzz(data);
    } catch {
      // a failing input keeps what it reached before failing
    }
    return map.featuresOfLast();
  };
  const reached = new Set<number>();
  const kept: CorpusFile[] = [];
  const seeds = files.filter((f) => pinned(f.name));
  const others = files.filter((f) => !pinned(f.name)).sort((a, b) => a.data.length - b.data.length);
  for (const file of seeds) {
    for (const feature of featuresOf(file.data)) reached.add(feature);
    kept.push(file);
  }
  let bytes = 0;
  for (const file of others) {
    if (bytes + file.data.length > MAX_SAVED_BYTES) break; // smallest first: the rest is larger
    const fresh = featuresOf(file.data).filter((f) => !reached.has(f));
    if (!fresh.length) continue;
    for (const feature of fresh) reached.add(feature);
    kept.push(file);
    bytes += file.data.length;
  }
  return kept;
}

function pinned(name: string): boolean {
  return name.startsWith('seed-') || name.startsWith('crash-');
}
