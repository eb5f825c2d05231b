/**
 * AFL-style coverage feedback over instrumented counters (one per statement, function and branch
 * arm). A counter's hit count is put in one of eight buckets (1, 2, 3, 4-7, 8-15, 16-31, 32-127,
 * 128+) so that "this loop ran 40 times instead of 41" is not news but "this loop ran many times
 * instead of once" is; an input is interesting when it sets a bucket bit no earlier input set.
 */
const BUCKET = new Uint8Array(256);
for (let n = 1; n < 256; n++) {
  BUCKET[n] = n === 1 ? 1 : n === 2 ? 2 : n === 3 ? 4 : n < 8 ? 8 : n < 16 ? 16 : n < 32 ? 32 : n < 128 ? 64 : 128;
}

export function bucketOf(hits: number): number {
  return hits >= 256 ? 128 : (BUCKET[hits] as number);
}

export interface Observation {
  /** The input set at least one bucket bit not seen before. */
  novel: boolean;
  /** Counter increments in this execution: the deterministic measure of work done. */
  steps: number;
}

export class CoverageMap {
  /** Bucket bits seen so far, per counter. */
  readonly seen: Uint8Array;
  #covered = 0;
  #features = 0;

  constructor(readonly counters: Uint32Array) {
    this.seen = new Uint8Array(counters.length);
  }

  /** Counters hit at least once so far (statements, functions and branch arms). */
  get covered(): number {
    return this.#covered;
  }

  /** (counter, bucket) pairs seen so far: what the fuzzer maximises. */
  get features(): number {
    return this.#features;
  }

  get size(): number {
    return this.counters.length;
  }

  /** Reads and clears the counters after one execution. */
  observe(record = true): Observation {
    const counters = this.counters;
    const seen = this.seen;
    let steps = 0;
    let novel = false;
    for (let i = 0; i < counters.length; i++) {
      const hits = counters[i] as number;
      if (hits === 0) continue;
      counters[i] = 0;
      steps += hits;
      const bit = bucketOf(hits);
      const before = seen[i] as number;
      if ((before & bit) === 0) {
        novel = true;
        if (record) {
          if (before === 0) this.#covered++;
          this.#features++;
          seen[i] = before | bit;
        }
      }
    }
    return { novel, steps };
  }

  /** The (counter, bucket) features of the last execution, for corpus minimisation; clears the counters. */
  featuresOfLast(): number[] {
    const out: number[] = [];
    const counters = this.counters;
    for (let i = 0; i < counters.length; i++) {
      const hits = counters[i] as number;
      if (hits === 0) continue;
      counters[i] = 0;
      out.push(i * 8 + Math.clz32(bucketOf(hits)) - 24);
    }
    return out;
  }

  reset(): void {
    this.counters.fill(0);
  }
}
