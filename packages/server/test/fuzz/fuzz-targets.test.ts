/**
 * Short fuzz runs in the unit suite (docs/reliability.md, "Fuzzing"): every saved corpus input
 * of every target, then 10 000 mutants with a fixed seed, must keep every property. `npm run
 * fuzz` runs the same targets coverage-guided for a million executions each.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUZZ_DIR, readCorpus } from '../../../../fuzz/corpus.ts';
import { bucketOf, CoverageMap } from '../../../../fuzz/coverage.ts';
import type { Failure } from '../../../../fuzz/fuzzer.ts';
import { runFuzzer } from '../../../../fuzz/fuzzer.ts';
import type { FuzzFunction } from '../../../../fuzz/instrument.ts';
import { loadInstrumented } from '../../../../fuzz/instrument.ts';
import { seedsFor } from '../../../../fuzz/seeds.ts';
import { TARGETS } from '../../../../fuzz/targets.ts';

const EXECUTIONS = 10_000;

describe('fuzz targets: the saved corpus and 10 000 mutants each (fixed seed)', () => {
  for (const target of TARGETS) {
    it(`${target.name} keeps its properties`, { timeout: 60_000 }, async () => {
      const module = (await import(join(FUZZ_DIR, target.entry))) as { fuzz: FuzzFunction };
      const corpus = [...Object.values(seedsFor(target.name)), ...readCorpus(target.name).map((f) => f.data)];
      const failures: Failure[] = [];
      const stats = runFuzzer({
        fuzz: module.fuzz,
        coverage: null,
        corpus,
        dictionary: target.dictionary,
        executions: corpus.length + EXECUTIONS,
        seed: 20261130,
        maxLength: target.maxLength,
        text: target.text,
        // Uninstrumented code on a shared machine: ten times the fuzzer's own time bound.
        time: { base: target.time.base * 10, perByte: target.time.perByte * 10 },
        onFailure: (failure) => failures.push(failure),
      });
      expect(failures.map((f) => `${f.kind}: ${f.message} (input ${f.data.toString('base64').slice(0, 200)})`)).toEqual([]);
      expect(stats.executions).toBe(corpus.length + EXECUTIONS);
    });
  }
});

describe('the fuzzer itself', () => {
  it('buckets hit counts like AFL: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+', () => {
    expect([1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 127, 128, 255, 256, 1e6].map(bucketOf)).toEqual([
      1, 2, 4, 8, 8, 16, 16, 32, 32, 64, 64, 128, 128, 128, 128,
    ]);
  });

  it('finds a bug behind three nested comparisons thanks to coverage feedback', { timeout: 60_000 }, async () => {
    const { fuzz, counters } = await loadInstrumented(join(import.meta.dirname, 'planted-bug.ts'));
    const coverage = new CoverageMap(counters);
    const failures: Failure[] = [];
    const stats = runFuzzer({
      fuzz,
      coverage,
      corpus: [Buffer.from('abcd')],
      dictionary: [],
      executions: 50_000,
      seed: 1,
      maxLength: 16,
      text: false,
      time: { base: 1000, perByte: 0 },
      onFailure: (failure) => failures.push(failure),
    });
    expect(failures.map((f) => f.message)).toEqual(['Error: planted bug reached']);
    expect(failures[0]?.data.subarray(0, 3).toString()).toBe('SOT');
    expect(stats.corpus).toBe(3); // the seed, and one input for each comparison that passed
  });

  it('reports work over the bound, counted in instrumented steps', { timeout: 60_000 }, async () => {
    const { fuzz, counters } = await loadInstrumented(join(FUZZ_DIR, 'targets/vp8.ts'));
    const failures: Failure[] = [];
    runFuzzer({
      fuzz,
      coverage: new CoverageMap(counters),
      corpus: Object.values(seedsFor('vp8')),
      dictionary: [],
      executions: 100,
      seed: 1,
      maxLength: 64,
      text: false,
      steps: { base: 5, perByte: 0 },
      time: { base: 1000, perByte: 0 },
      onFailure: (failure) => failures.push(failure),
    });
    expect(failures[0]?.kind).toBe('steps');
  });
});
