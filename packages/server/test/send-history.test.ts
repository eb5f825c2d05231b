import { afterEach, describe, expect, it, vi } from 'vitest';
import { SendHistory } from '../src/sfu/bwe/send-history.ts';

/** A history whose first sequence number is `first` (the start is drawn from Math.random). */
function historyStartingAt(first: number): SendHistory {
  const random = vi.spyOn(Math, 'random').mockReturnValue(first / 0x10000);
  const history = new SendHistory();
  random.mockRestore();
  return history;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('SendHistory', () => {
  it('numbers packets consecutively from a random start', () => {
    const history = new SendHistory();
    const first = history.record(1200, 0);
    expect(Number.isInteger(first)).toBe(true);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThanOrEqual(0xffff);
    for (let i = 1; i < 100; i++) expect(history.record(1200, i)).toBe((first + i) & 0xffff);
  });

  it('starts where Math.random points', () => {
    expect(historyStartingAt(0).record(1, 0)).toBe(0);
    expect(historyStartingAt(12345).record(1, 0)).toBe(12345);
    expect(historyStartingAt(0xffff).record(1, 0)).toBe(0xffff);
  });

  it('looks up the send time and size of a recorded packet', () => {
    const history = new SendHistory();
    const a = history.record(1200, 1000.25);
    const b = history.record(87, 1003.5);
    expect(history.lookup(a)).toEqual({ sentAt: 1000.25, bytes: 1200 });
    expect(history.lookup(b)).toEqual({ sentAt: 1003.5, bytes: 87 });
  });

  it('keeps sub-millisecond send times (performance.now) exactly', () => {
    const history = new SendHistory();
    const sentAt = 123456789.123456;
    const s = history.record(500, sentAt);
    expect(history.lookup(s)?.sentAt).toBe(sentAt);
  });

  it('returns null for sequence numbers never sent', () => {
    const history = historyStartingAt(100);
    expect(history.lookup(100)).toBeNull();
    history.record(1200, 0);
    expect(history.lookup(100)).not.toBeNull();
    expect(history.lookup(101)).toBeNull();
    expect(history.lookup(99)).toBeNull();
    // Same slot of the ring (100 + 8192), different sequence number.
    expect(history.lookup(100 + 8192)).toBeNull();
  });

  it('does not confuse a fresh history with sequence 0', () => {
    const history = historyStartingAt(500);
    expect(history.lookup(0)).toBeNull();
  });

  it('clamps the size to 16 bits', () => {
    const history = new SendHistory();
    const s = history.record(70_000, 0);
    expect(history.lookup(s)?.bytes).toBe(0xffff);
  });

  it('wraps the 16-bit sequence number from 65535 to 0', () => {
    const history = historyStartingAt(65534);
    expect(history.record(100, 1)).toBe(65534);
    expect(history.record(101, 2)).toBe(65535);
    expect(history.record(102, 3)).toBe(0);
    expect(history.record(103, 4)).toBe(1);
    expect(history.lookup(65535)).toEqual({ sentAt: 2, bytes: 101 });
    expect(history.lookup(0)).toEqual({ sentAt: 3, bytes: 102 });
    expect(history.lookup(1)).toEqual({ sentAt: 4, bytes: 103 });
  });

  it('keeps the last 8192 packets', () => {
    const history = historyStartingAt(1000);
    for (let i = 0; i < 8192; i++) history.record(100 + (i % 1000), i);
    for (let i = 0; i < 8192; i++) expect(history.lookup(1000 + i)).toEqual({ sentAt: i, bytes: 100 + (i % 1000) });
  });

  it('forgets a packet once 8192 newer ones were sent', () => {
    const history = historyStartingAt(1000);
    for (let i = 0; i < 8193; i++) history.record(1200, i);
    expect(history.lookup(1000)).toBeNull();
    expect(history.lookup(1001)).toEqual({ sentAt: 1, bytes: 1200 });
    expect(history.lookup(1000 + 8192)).toEqual({ sentAt: 8192, bytes: 1200 });
  });

  it('tells old and new packets in the same slot apart across the wrap', () => {
    const history = historyStartingAt(60_000);
    const sequences: number[] = [];
    for (let i = 0; i < 20_000; i++) sequences.push(history.record(1200, i));
    // 60000 + 20000 wraps to 14464; the last 8192 are found, older ones are not.
    expect(sequences[sequences.length - 1]).toBe((60_000 + 19_999) & 0xffff);
    for (let i = 0; i < 20_000; i++) {
      const found = history.lookup(sequences[i] as number);
      if (i >= 20_000 - 8192) expect(found).toEqual({ sentAt: i, bytes: 1200 });
      else expect(found).toBeNull();
    }
  });

  it('after a full 16-bit cycle, a sequence number means the newest packet with it', () => {
    const history = historyStartingAt(0);
    for (let i = 0; i < 0x10000 + 5; i++) history.record(1, i);
    expect(history.lookup(3)).toEqual({ sentAt: 0x10000 + 3, bytes: 1 });
  });
});
