import { MlsGroup, PendingMember } from '../../packages/client/src/e2ee/mls-group.ts';

let installed = false;

/**
 * Makes the members of this process do their MLS work (following a commit, processing a
 * Welcome) one at a time, in the order it arrives. Members that stand for other people's devices
 * share a process; interleaved, all of them would reach a new epoch only when the last did —
 * one after another, the first ones are there as soon as separate devices would be, and their
 * media is decryptable by a newcomer that soon.
 */
export function mlsWorkOneAtATime(): void {
  if (installed) return;
  installed = true;
  let queue: Promise<unknown> = Promise.resolve();
  for (const [target, method] of [
    [MlsGroup.prototype, 'processCommit'],
    [PendingMember.prototype, 'join'],
  ] as const) {
    const original = (target as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[method];
    if (!original) throw new Error(`no ${method} to wrap`);
    Object.defineProperty(target, method, {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...args: unknown[]) {
        const run = queue.then(() => original.apply(this, args));
        queue = run.catch(() => {});
        return run;
      },
    });
  }
}
