/**
 * `npm run fuzz`: coverage-guided fuzzing of every parser a peer's bytes reach (see targets.ts),
 * each for a million executions by default, then the SDP engine harness. Prints executions,
 * corpus size, coverage and time per target; failing inputs go to fuzz/crashes/<target>/.
 *
 *   npm run fuzz -- --target rtcp,sdp-publish --runs 200000 --seed 7
 *   npm run fuzz -- --engine-runs 0          (skip the engine harness)
 */
import { parseArgs } from 'node:util';
import { hashName, readCorpus, removeInput, saveCrash, writeInput } from './corpus.ts';
import { CoverageMap } from './coverage.ts';
import type { FuzzStats } from './fuzzer.ts';
import { runFuzzer } from './fuzzer.ts';
import { loadInstrumented } from './instrument.ts';
import { minimize } from './minimize.ts';
import { runEngineHarness } from './sdp-engine-harness/parent.ts';
import { seedsFor } from './seeds.ts';
import { TARGETS, targetPath } from './targets.ts';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    runs: { type: 'string', default: '1000000' },
    seed: { type: 'string' },
    'engine-runs': { type: 'string', default: '100000' },
    'no-save': { type: 'boolean', default: false },
  },
});

const runs = Number(values.runs);
const seed = values.seed === undefined ? Date.now() >>> 0 : Number(values.seed);
const names = values.target?.split(',') ?? TARGETS.map((t) => t.name);
const save = !values['no-save'];
const unknown = names.filter((n) => n !== 'sdp-engine' && !TARGETS.some((t) => t.name === n));
if (unknown.length) {
  console.error(`unknown target(s): ${unknown.join(', ')}; known: ${TARGETS.map((t) => t.name).join(', ')}, sdp-engine`);
  process.exit(2);
}

console.log(`fuzzing with seed ${seed}, ${runs.toLocaleString('en')} executions per target`);
const rows: Array<{ name: string; stats: FuzzStats; saved: number }> = [];
let failed = 0;

for (const target of TARGETS.filter((t) => names.includes(t.name))) {
  if (save) for (const [name, data] of Object.entries(seedsFor(target.name))) writeInput(target.name, name, data);
  const files = readCorpus(target.name);
  const loadStart = performance.now();
  const { fuzz, counters } = await loadInstrumented(targetPath(target));
  console.log(
    `\n${target.name}: ${files.length} corpus inputs, ${counters.length} counters (instrumented in ${Math.round(performance.now() - loadStart)} ms)`,
  );
  const stats = runFuzzer({
    fuzz,
    coverage: new CoverageMap(counters),
    corpus: files.length ? files.map((f) => f.data) : Object.values(seedsFor(target.name)),
    dictionary: target.dictionary,
    executions: runs,
    seed,
    maxLength: target.maxLength,
    text: target.text,
    steps: target.steps,
    time: target.time,
    onNewInput: (data) => {
      if (save) writeInput(target.name, hashName(data), data);
    },
    onFailure: (failure) => {
      const report = `${failure.kind}: ${failure.message}\n\n${failure.stack}\n`;
      const path = save ? saveCrash(target.name, failure.data, report) : '(not saved)';
      console.log(`  FAILURE ${failure.kind}: ${failure.message.split('\n')[0]}\n    input: ${path}`);
    },
    onProgress: (s) => console.log(`  … ${line(s)}`),
  });
  let saved = stats.corpus;
  if (save) {
    const before = readCorpus(target.name);
    const kept = new Set(minimize(before, fuzz, counters).map((f) => f.name));
    for (const file of before) if (!kept.has(file.name)) removeInput(target.name, file.name);
    saved = kept.size;
  }
  console.log(`  done: ${line(stats)}; saved corpus ${saved}`);
  rows.push({ name: target.name, stats, saved });
  if (stats.failures) failed++;
}

if (rows.length) {
  console.log('\ntarget           executions    corpus(saved)  coverage (counters hit)   features   failures   time');
  for (const { name, stats, saved } of rows) {
    console.log(
      `${name.padEnd(16)} ${stats.executions.toLocaleString('en').padStart(10)}  ${`${stats.corpus} (${saved})`.padStart(13)}  ${`${stats.covered}/${stats.counters} (${pct(stats.covered, stats.counters)})`.padStart(23)}  ${String(stats.features).padStart(9)}  ${String(stats.distinctFailures).padStart(9)}   ${(stats.ms / 1000).toFixed(0)} s`,
    );
  }
}

const engineRuns = Number(values['engine-runs']);
if (names.includes('sdp-engine') || (!values.target && engineRuns > 0)) {
  const result = await runEngineHarness({ inputs: engineRuns, seed, save });
  if (result.crashes > 0) failed++;
}

process.exit(failed ? 1 : 0);

function line(s: FuzzStats): string {
  return `${s.executions.toLocaleString('en')} execs, corpus ${s.corpus}, coverage ${s.covered}/${s.counters} (${pct(s.covered, s.counters)}), ${s.features} features, ${s.distinctFailures} failures, ${(s.ms / 1000).toFixed(1)} s (${Math.round(s.executions / (s.ms / 1000)).toLocaleString('en')}/s), max ${s.maxStepsPerByte.toFixed(0)} steps/byte, longest ${s.maxLength} B`;
}

function pct(a: number, b: number): string {
  return `${b ? ((100 * a) / b).toFixed(1) : '0'}%`;
}
