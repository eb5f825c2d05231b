/**
 * Inputs on disk: fuzz/corpus/<target>/ holds the seeds (real packets and SDP, named seed-*) and
 * every input that added coverage (named by content hash); fuzz/crashes/<target>/ holds inputs
 * that broke a property, with the error beside them (.txt). The unit tests replay the corpus.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FUZZ_DIR = new URL('.', import.meta.url).pathname;
export const CORPUS_DIR = join(FUZZ_DIR, 'corpus');
export const CRASH_DIR = join(FUZZ_DIR, 'crashes');

export interface CorpusFile {
  name: string;
  data: Buffer;
}

export function hashName(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

export function readCorpus(target: string, root = CORPUS_DIR): CorpusFile[] {
  const dir = join(root, target);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.') && !name.endsWith('.txt'))
    .sort()
    .map((name) => ({ name, data: readFileSync(join(dir, name)) }));
}

export function writeInput(target: string, name: string, data: Buffer, root = CORPUS_DIR): string {
  const dir = join(root, target);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

export function removeInput(target: string, name: string, root = CORPUS_DIR): void {
  rmSync(join(root, target, name), { force: true });
}

/** Saves a crashing input and what it broke; returns the input's path. */
export function saveCrash(target: string, data: Buffer, report: string, root = CRASH_DIR): string {
  const name = hashName(data);
  writeInput(target, `${name}.txt`, Buffer.from(report), root);
  return writeInput(target, name, data, root);
}
