/**
 * Coverage instrumentation for a fuzz target. esbuild (already here through vite and tsx)
 * bundles the target with everything it imports — our parsers and the libraries they lean on
 * (sdp-transform, valibot) — into one CommonJS file; istanbul-lib-instrument, the instrumenter
 * behind nyc and Vitest's istanbul coverage, adds a counter to every statement, function and
 * branch arm. Pure JavaScript, so it installs from npm with no native build or download (unlike
 * Jazzer.js, whose prebuilt binary needs a newer glibc than Debian 12 has).
 *
 * Istanbul keeps its counters in plain objects; they are swapped for views of one Uint32Array,
 * so reading and clearing them after each execution is one pass over a typed array.
 */
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { createInstrumenter } from 'istanbul-lib-instrument';

export type FuzzFunction = (data: Buffer) => void;

export interface InstrumentedTarget {
  fuzz: FuzzFunction;
  /** One counter per statement, function and branch arm of the bundle. */
  counters: Uint32Array;
}

const COVERAGE_VARIABLE = '__sottoFuzzCoverage';

interface FileCoverage {
  s: Record<string, number> | Uint32Array;
  f: Record<string, number> | Uint32Array;
  b: Record<string, number[] | Uint32Array>;
}

/** Bundles, instruments and loads `entry` (a module exporting `fuzz(data: Buffer)`). */
export async function loadInstrumented(entry: string): Promise<InstrumentedTarget> {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]?.text ?? '';
  const filename = `fuzz:${entry}`;
  const instrumented = createInstrumenter({
    coverageVariable: COVERAGE_VARIABLE,
    esModules: false,
    compact: true,
    preserveComments: false,
    produceSourceMap: false,
    coverageGlobalScope: 'globalThis',
    coverageGlobalScopeFunc: false,
  }).instrumentSync(code, filename);
  const module = { exports: {} as { fuzz?: FuzzFunction } };
  const require = createRequire(import.meta.url);
  new Function('module', 'exports', 'require', instrumented)(module, module.exports, require);
  const fuzz = module.exports.fuzz;
  if (typeof fuzz !== 'function') throw new Error(`${entry} exports no fuzz(data) function`);
  const store = (globalThis as Record<string, unknown>)[COVERAGE_VARIABLE] as Record<string, FileCoverage>;
  const file = store[filename];
  if (!file) throw new Error(`no coverage data for ${entry}`);
  return { fuzz, counters: flatten(file) };
}

function flatten(file: FileCoverage): Uint32Array {
  const branches = Object.keys(file.b);
  const size =
    Object.keys(file.s).length + Object.keys(file.f).length + branches.reduce((n, k) => n + (file.b[k]?.length ?? 0), 0);
  const counters = new Uint32Array(size);
  let at = 0;
  const take = (n: number) => {
    const view = counters.subarray(at, at + n);
    at += n;
    return view;
  };
  file.s = take(Object.keys(file.s).length);
  file.f = take(Object.keys(file.f).length);
  for (const key of branches) file.b[key] = take(file.b[key]?.length ?? 0);
  return counters;
}
