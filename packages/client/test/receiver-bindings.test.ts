import { describe, expect, it } from 'vitest';
import { REBIND_WAIT_MS, ReceiverBindings, STALE_AFTER_REBIND_MS } from '../src/e2ee/receiver-bindings.ts';

const RX = 1;
const OTHER_RX = 2;

/** Bindings on a clock the test moves by hand; sleeps end when the clock passes them. */
function clocked() {
  let now = 1_000;
  const sleepers: Array<{ until: number; wake: () => void }> = [];
  const bindings = new ReceiverBindings(
    () => now,
    (ms) =>
      new Promise<void>((wake) => {
        sleepers.push({ until: now + ms, wake });
      }),
  );
  return {
    bindings,
    advance(ms: number): void {
      now += ms;
      for (const sleeper of sleepers.splice(0)) {
        if (sleeper.until <= now) sleeper.wake();
        else sleepers.push(sleeper);
      }
    },
  };
}

/** 'pending', or what the promise settled to once queued callbacks have run. */
async function state<T>(promise: Promise<T>): Promise<T | 'pending'> {
  const pending = Symbol('pending');
  const result = await Promise.race([promise, new Promise<typeof pending>((resolve) => setTimeout(() => resolve(pending), 0))]);
  return result === pending ? 'pending' : (result as T);
}

describe('ReceiverBindings', () => {
  it("admits the bound member's frames at once", async () => {
    const { bindings } = clocked();
    bindings.bind(RX, 'alice');
    expect(bindings.memberOf(RX)).toBe('alice');
    expect(await state(bindings.admit(RX, 'alice'))).toBe(true);
  });

  it("holds another member's frame until the receiver is re-bound to it", async () => {
    const { bindings, advance } = clocked();
    bindings.bind(RX, 'alice');
    const frame = bindings.admit(RX, 'bob');
    advance(REBIND_WAIT_MS - 100);
    expect(await state(frame)).toBe('pending');
    bindings.bind(RX, 'bob');
    expect(await state(frame)).toBe(true);
  });

  it('refuses it if no re-binding comes in time, and later ones at once (one wait per binding)', async () => {
    const { bindings, advance } = clocked();
    bindings.bind(RX, 'alice');
    const first = bindings.admit(RX, 'mallory');
    advance(300);
    const second = bindings.admit(RX, 'mallory');
    advance(REBIND_WAIT_MS - 300);
    // Both ran out together: the second frame only waited for what was left of the first's wait.
    expect(await state(first)).toBe(false);
    expect(await state(second)).toBe(false);
    expect(await state(bindings.admit(RX, 'mallory'))).toBe(false);
    expect(await state(bindings.admit(RX, 'alice'))).toBe(true);
  });

  it('holds frames on a receiver never bound, and refuses them if no binding comes', async () => {
    const { bindings, advance } = clocked();
    expect(bindings.memberOf(RX)).toBeUndefined();
    const early = bindings.admit(RX, 'alice');
    bindings.bind(RX, 'alice');
    expect(await state(early)).toBe(true);

    const unbound = bindings.admit(OTHER_RX, 'alice');
    advance(REBIND_WAIT_MS);
    expect(await state(unbound)).toBe(false);
    expect(await state(bindings.admit(OTHER_RX, 'alice'))).toBe(false);
  });

  it('refuses everything on a receiver bound to nobody', async () => {
    const { bindings, advance } = clocked();
    bindings.bind(RX, 'alice');
    bindings.bind(RX, null);
    expect(bindings.memberOf(RX)).toBeNull();
    const frame = bindings.admit(RX, 'bob');
    advance(REBIND_WAIT_MS);
    expect(await state(frame)).toBe(false);
    expect(await state(bindings.admit(RX, 'bob'))).toBe(false);
  });

  it('gives each new binding a new wait', async () => {
    const { bindings, advance } = clocked();
    bindings.bind(RX, 'alice');
    const spent = bindings.admit(RX, 'bob');
    advance(REBIND_WAIT_MS);
    expect(await state(spent)).toBe(false);
    bindings.bind(RX, 'carol');
    const frame = bindings.admit(RX, 'dave');
    expect(await state(frame)).toBe('pending');
    bindings.bind(RX, 'dave');
    expect(await state(frame)).toBe(true);
  });

  it('does not renew the wait when bound again to the same member', async () => {
    const { bindings, advance } = clocked();
    bindings.bind(RX, 'alice');
    const spent = bindings.admit(RX, 'mallory');
    advance(REBIND_WAIT_MS);
    expect(await state(spent)).toBe(false);
    bindings.bind(RX, 'alice');
    expect(await state(bindings.admit(RX, 'mallory'))).toBe(false);
  });

  it("drops the previous member's late frames at once after a re-binding, without holding the new one's", async () => {
    const { bindings, advance } = clocked();
    bindings.bind(RX, 'alice');
    bindings.bind(RX, 'bob');
    expect(await state(bindings.admit(RX, 'alice'))).toBe(false);
    expect(await state(bindings.admit(RX, 'bob'))).toBe(true);
    // Long after, Alice's frames may be the next binding's (the slot going back to her): they wait.
    advance(STALE_AFTER_REBIND_MS + 1);
    const back = bindings.admit(RX, 'alice');
    expect(await state(back)).toBe('pending');
    bindings.bind(RX, 'alice');
    expect(await state(back)).toBe(true);
  });

  it('keeps receivers apart', async () => {
    const { bindings } = clocked();
    bindings.bind(RX, 'alice');
    bindings.bind(OTHER_RX, 'bob');
    expect(await state(bindings.admit(RX, 'alice'))).toBe(true);
    expect(await state(bindings.admit(OTHER_RX, 'bob'))).toBe(true);
    expect(await state(bindings.admit(OTHER_RX, 'alice'))).toBe('pending');
  });

  it('releases waiting frames, refused, when a receiver is forgotten', async () => {
    const { bindings } = clocked();
    bindings.bind(RX, 'alice');
    const frame = bindings.admit(RX, 'bob');
    bindings.forget(RX);
    expect(await state(frame)).toBe(false);
    expect(bindings.memberOf(RX)).toBeUndefined();
  });
});
