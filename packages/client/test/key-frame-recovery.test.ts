import { describe, expect, it } from 'vitest';
import { KEY_FRAME_REQUEST_INTERVAL_MS, KeyFrameRecovery } from '../src/e2ee/key-frame-recovery.ts';

describe('KeyFrameRecovery', () => {
  it('asks once a delta frame passes after a drop, then at most every interval until a key frame', () => {
    let now = 0;
    const recovery = new KeyFrameRecovery(() => now);
    expect(recovery.passed(1, false)).toBe(false); // nothing dropped: nothing to ask
    recovery.dropped(1);
    expect(recovery.passed(1, false)).toBe(true);
    now += KEY_FRAME_REQUEST_INTERVAL_MS - 1;
    expect(recovery.passed(1, false)).toBe(false);
    now += 1;
    expect(recovery.passed(1, false)).toBe(true);
    expect(recovery.passed(1, true)).toBe(false); // the key frame came
    now += 10 * KEY_FRAME_REQUEST_INTERVAL_MS;
    expect(recovery.passed(1, false)).toBe(false);
  });

  it('keeps receivers apart, and forgets a closed one', () => {
    const recovery = new KeyFrameRecovery(() => 0);
    recovery.dropped(1);
    expect(recovery.passed(2, false)).toBe(false);
    recovery.forget(1);
    expect(recovery.passed(1, false)).toBe(false);
  });
});
