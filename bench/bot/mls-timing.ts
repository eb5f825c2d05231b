import { MlsGroup, PendingMember } from '../../packages/client/src/e2ee/mls-group.ts';

/** One MLS operation timed inside this process (performance.now()). */
export interface MlsSpan {
  startedAt: number;
  endedAt: number;
}

/** Commits built (MlsGroup.commit) and Welcomes processed (PendingMember.join) in this process. */
export const mlsSpans = { commits: [] as MlsSpan[], welcomes: [] as MlsSpan[] };

let installed = false;

/**
 * Times the SDK's MLS work where it runs, for the e2ee-join benchmark, by wrapping two methods
 * of the wrapper over ts-mls: the product code stays as it is.
 */
export function timeMlsWork(): void {
  if (installed) return;
  installed = true;
  wrap(MlsGroup.prototype, 'commit', mlsSpans.commits);
  wrap(PendingMember.prototype, 'join', mlsSpans.welcomes);
}

function wrap<T extends object>(target: T, method: keyof T & string, spans: MlsSpan[]): void {
  const original = target[method] as (...args: unknown[]) => Promise<unknown>;
  Object.defineProperty(target, method, {
    configurable: true,
    writable: true,
    value: async function (this: unknown, ...args: unknown[]) {
      const startedAt = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        spans.push({ startedAt, endedAt: performance.now() });
      }
    },
  });
}
