/**
 * The fuzzing loop: take a corpus input, mutate it, run the target, and keep the mutant when it
 * reached new coverage. An execution fails when the target throws (a crash, or a property such
 * as "RTCP items <= bytes / 4" that does not hold), when it did more work than its bound allows
 * (counted in instrumented steps: deterministic), or when it took too long for its size (time is
 * noisy on a shared machine, so a slow input is re-run and only its fastest time counts).
 */
import type { CoverageMap } from './coverage.ts';
import type { FuzzFunction } from './instrument.ts';
import type { MutationContext } from './mutate.ts';
import { mutate } from './mutate.ts';
import { Random } from './random.ts';

/** Work allowed for one input of `bytes` bytes: `base + perByte * bytes`. */
export interface LinearBound {
  base: number;
  perByte: number;
}

export interface FuzzOptions {
  fuzz: FuzzFunction;
  /** Coverage feedback; without it (plain import in the unit tests) the corpus does not grow. */
  coverage: CoverageMap | null;
  corpus: Buffer[];
  dictionary: readonly Buffer[];
  executions: number;
  seed: number;
  maxLength: number;
  text: boolean;
  /** Instrumented steps per execution (needs coverage). */
  steps?: LinearBound;
  /** Milliseconds per execution. */
  time: LinearBound;
  /** Called with each input that added coverage. */
  onNewInput?: (data: Buffer) => void;
  /** Called with each failing input; the run goes on. */
  onFailure?: (failure: Failure) => void;
  onProgress?: (stats: FuzzStats) => void;
  progressEveryMs?: number;
}

export interface Failure {
  data: Buffer;
  kind: 'exception' | 'steps' | 'time';
  /** Error name and message, or the bound that was broken. */
  message: string;
  stack: string;
  /** Groups failures with one cause: the first of each signature is kept. */
  signature: string;
}

export interface FuzzStats {
  executions: number;
  corpus: number;
  /** Counters hit (statements, functions, branch arms), of `counters`. */
  covered: number;
  counters: number;
  features: number;
  failures: number;
  /** Distinct failure signatures. */
  distinctFailures: number;
  ms: number;
  /** Most instrumented steps per input byte seen (for tuning the bounds). */
  maxStepsPerByte: number;
  maxLength: number;
}

export function runFuzzer(options: FuzzOptions): FuzzStats {
  const random = new Random(options.seed);
  const corpus = options.corpus.length ? [...options.corpus] : [Buffer.alloc(0)];
  const coverage = options.coverage;
  const signatures = new Set<string>();
  const started = performance.now();
  const stats: FuzzStats = {
    executions: 0,
    corpus: corpus.length,
    covered: 0,
    counters: coverage?.size ?? 0,
    features: 0,
    failures: 0,
    distinctFailures: 0,
    ms: 0,
    maxStepsPerByte: 0,
    maxLength: 0,
  };
  const context: MutationContext = {
    random,
    dictionary: options.dictionary,
    other: () => random.pick(corpus),
    maxLength: options.maxLength,
    text: options.text,
  };
  const fail = (failure: Omit<Failure, 'signature'>) => {
    stats.failures++;
    const signature = `${failure.kind} ${failure.message.replace(/\d+/g, 'N').slice(0, 120)} ${topFrame(failure.stack)}`;
    if (signatures.has(signature)) return;
    signatures.add(signature);
    stats.distinctFailures = signatures.size;
    options.onFailure?.({ ...failure, signature });
  };

  /**
   * Often one of the newest inputs (the frontier of what is covered), else mostly the smaller of
   * two: short inputs run faster and their mutants reach the same code.
   */
  const pickInput = (): Buffer => {
    if (random.chance(0.3)) return corpus[corpus.length - 1 - random.below(Math.min(8, corpus.length))] as Buffer;
    const a = random.pick(corpus);
    if (!random.chance(0.7)) return a;
    const b = random.pick(corpus);
    return b.length < a.length ? b : a;
  };

  /** Runs one input; true when it passed and reached new coverage. */
  const execute = (data: Buffer): boolean => {
    stats.executions++;
    if (data.length > stats.maxLength) stats.maxLength = data.length;
    const t0 = performance.now();
    try {
      options.fuzz(data);
    } catch (error) {
      coverage?.observe(false);
      const e = error instanceof Error ? error : new Error(String(error));
      fail({ data, kind: 'exception', message: `${e.name}: ${e.message}`, stack: e.stack ?? '' });
      return false;
    }
    const elapsed = performance.now() - t0;
    let novel = false;
    if (coverage) {
      const observed = coverage.observe();
      const steps = observed.steps;
      const perByte = steps / Math.max(1, data.length);
      if (perByte > stats.maxStepsPerByte && data.length >= 64) stats.maxStepsPerByte = perByte;
      if (options.steps && steps > options.steps.base + options.steps.perByte * data.length) {
        fail({ data, kind: 'steps', message: `${steps} steps for ${data.length} bytes`, stack: '' });
        return false;
      }
      novel = observed.novel;
    }
    const allowed = options.time.base + options.time.perByte * data.length;
    if (elapsed > allowed) {
      // Confirm: a GC pause or another process must not count as slowness of the code.
      let fastest = elapsed;
      for (let i = 0; i < 3 && fastest > allowed; i++) {
        const t = performance.now();
        try {
          options.fuzz(data);
        } catch {}
        coverage?.reset();
        fastest = Math.min(fastest, performance.now() - t);
      }
      if (fastest > allowed) {
        fail({ data, kind: 'time', message: `${fastest.toFixed(1)} ms for ${data.length} bytes`, stack: '' });
        return false;
      }
    }
    return novel;
  };

  // The corpus first, as it is: a saved input must still pass.
  for (const data of [...corpus]) execute(data);
  let lastProgress = performance.now();
  const every = options.progressEveryMs ?? 10_000;
  while (stats.executions < options.executions) {
    const data = mutate(pickInput(), context);
    if (execute(data)) {
      corpus.push(data);
      options.onNewInput?.(data);
    }
    if (options.onProgress && (stats.executions & 1023) === 0 && performance.now() - lastProgress > every) {
      lastProgress = performance.now();
      options.onProgress(snapshot());
    }
  }
  return snapshot();

  function snapshot(): FuzzStats {
    stats.corpus = corpus.length;
    stats.covered = coverage?.covered ?? 0;
    stats.features = coverage?.features ?? 0;
    stats.ms = performance.now() - started;
    return { ...stats };
  }
}

function topFrame(stack: string): string {
  const frame = stack.split('\n').find((line) => line.trim().startsWith('at '));
  return frame?.trim().replace(/:\d+:\d+\)?$/, '') ?? '';
}
