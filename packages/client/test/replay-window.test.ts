import { describe, expect, it } from 'vitest';
import { REPLAY_WINDOW, ReplayWindow } from '../src/e2ee/replay-window.ts';

const W = BigInt(REPLAY_WINDOW);
const MAX = (1n << 64n) - 1n;

/** check, then commit, as a decrypting receiver does: whether the counter was accepted. */
function accept(window: ReplayWindow, ctr: bigint): boolean {
  return window.check(ctr) && window.commit(ctr);
}

describe('ReplayWindow', () => {
  it('is 4096 counters wide', () => {
    expect(REPLAY_WINDOW).toBe(4096);
  });

  it('accepts any first counter, then counters in order', () => {
    const window = new ReplayWindow();
    for (let ctr = 0n; ctr < 3n * W; ctr++) expect(accept(window, ctr)).toBe(true);
    const late = new ReplayWindow();
    expect(accept(late, 123_456n)).toBe(true);
    expect(accept(late, 123_457n)).toBe(true);
  });

  it('accepts counters reordered within the window, each once', () => {
    const window = new ReplayWindow();
    expect(accept(window, 100n)).toBe(true);
    // Gaps: the counter is shared with layers this receiver does not get.
    for (const ctr of [97n, 105n, 99n, 101n, 98n, 110n, 104n]) expect(accept(window, ctr)).toBe(true);
    for (const ctr of [97n, 105n, 99n, 101n, 98n, 110n, 104n, 100n]) expect(accept(window, ctr)).toBe(false);
    // Never-seen counters inside the window are still fine.
    for (const ctr of [102n, 103n, 0n]) expect(accept(window, ctr)).toBe(true);
  });

  it('refuses a duplicate, whether it is the highest counter or an older one', () => {
    const window = new ReplayWindow();
    expect(accept(window, 7n)).toBe(true);
    expect(window.check(7n)).toBe(false);
    expect(window.commit(7n)).toBe(false);
    expect(accept(window, 8n)).toBe(true);
    expect(accept(window, 7n)).toBe(false);
    expect(accept(window, 8n)).toBe(false);
  });

  it('refuses counters older than the window, accepts the oldest one inside it', () => {
    const window = new ReplayWindow();
    expect(accept(window, 10_000n)).toBe(true);
    expect(window.check(10_000n - W)).toBe(false);
    expect(window.check(0n)).toBe(false);
    expect(accept(window, 10_000n - W + 1n)).toBe(true);
  });

  it('check() does not commit: a counter that was only checked stays acceptable', () => {
    const window = new ReplayWindow();
    expect(window.check(5n)).toBe(true);
    expect(window.check(5n)).toBe(true);
    expect(window.check(1_000_000n)).toBe(true);
    // The window did not move to the checked counter either.
    expect(accept(window, 5n)).toBe(true);
    expect(accept(window, 6n)).toBe(true);
  });

  it('lets only one of two copies that both passed check() commit', () => {
    const window = new ReplayWindow();
    expect(window.check(42n)).toBe(true);
    expect(window.check(42n)).toBe(true);
    expect(window.commit(42n)).toBe(true);
    expect(window.commit(42n)).toBe(false);
  });

  it('refuses at commit a counter the window moved past while it was being decrypted', () => {
    const window = new ReplayWindow();
    expect(accept(window, 0n)).toBe(true);
    expect(window.check(1n)).toBe(true);
    expect(accept(window, 1n + W)).toBe(true);
    expect(window.commit(1n)).toBe(false);
  });

  it('slides over what it saw by a jump of less than the window, wrapping around its bitmap', () => {
    const window = new ReplayWindow();
    for (let ctr = 0n; ctr < 64n; ctr++) expect(accept(window, ctr)).toBe(true);
    // To the window's last counter: 0..63 are still inside, and seen; the gap is unseen.
    expect(accept(window, W - 1n)).toBe(true);
    for (let ctr = 0n; ctr < 64n; ctr++) expect(window.check(ctr)).toBe(false);
    for (let ctr = 64n; ctr < W - 1n; ctr += 37n) expect(window.check(ctr)).toBe(true);
    // 32 further: 0..31 drop out, and their bitmap slots now stand for W..W+31, unseen.
    expect(accept(window, W + 31n)).toBe(true);
    for (let ctr = 0n; ctr < 64n; ctr++) expect(window.check(ctr)).toBe(false);
    for (let ctr = W; ctr < W + 31n; ctr++) expect(window.check(ctr)).toBe(true);
    expect(accept(window, W + 5n)).toBe(true);
    expect(accept(window, W + 5n)).toBe(false);
    // A jump that starts mid-word and ends mid-word.
    expect(accept(window, W + 31n + 45n)).toBe(true);
    for (let ctr = W + 32n; ctr < W + 76n; ctr++) expect(window.check(ctr)).toBe(true);
    expect(window.check(W + 31n)).toBe(false);
  });

  it('starts afresh after a jump by the window or more', () => {
    for (const jump of [W, W + 1n, 10n * W, 1n << 40n]) {
      const window = new ReplayWindow();
      for (let ctr = 0n; ctr < 200n; ctr++) expect(accept(window, ctr)).toBe(true);
      const top = 199n + jump;
      expect(accept(window, top)).toBe(true);
      expect(window.check(199n)).toBe(jump < W);
      // Every counter in the new window is unseen, including those on the old counters' bits.
      for (let back = 1n; back < W; back += 1n + (back >> 4n)) expect(window.check(top - back)).toBe(top - back > 199n);
      expect(accept(window, top - W + 1n)).toBe(top - W + 1n > 199n);
    }
  });

  it('handles huge jumps with no work beyond the bitmap', () => {
    const window = new ReplayWindow();
    expect(accept(window, 1n)).toBe(true);
    expect(accept(window, 1n << 62n)).toBe(true);
    expect(accept(window, (1n << 62n) - 1n)).toBe(true);
    expect(window.check(1n)).toBe(false);
    expect(accept(window, 1n << 62n)).toBe(false);
  });

  it('works at the top of the 64-bit counter range', () => {
    const window = new ReplayWindow();
    expect(accept(window, 0n)).toBe(true);
    expect(accept(window, MAX)).toBe(true);
    expect(accept(window, MAX)).toBe(false);
    expect(accept(window, 0n)).toBe(false);
    expect(accept(window, MAX - 1n)).toBe(true);
    expect(accept(window, MAX - W + 1n)).toBe(true);
    expect(window.check(MAX - W)).toBe(false);
    expect(accept(window, MAX - W + 1n)).toBe(false);
  });

  it('refuses counters outside 0..2^64-1 (never on the wire) without throwing', () => {
    const window = new ReplayWindow();
    expect(window.check(-1n)).toBe(false);
    expect(window.check(MAX + 1n)).toBe(false);
    expect(window.commit(MAX + 1n)).toBe(false);
    expect(accept(window, 0n)).toBe(true);
  });
});
