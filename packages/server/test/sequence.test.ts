import { describe, expect, it } from 'vitest';
import { seqAdd, seqDelta, seqNewer } from '../src/sfu/rtp/sequence.ts';

describe('seqAdd', () => {
  it('adds within range', () => {
    expect(seqAdd(100, 5)).toBe(105);
  });

  it('wraps past 65535', () => {
    expect(seqAdd(65535, 1)).toBe(0);
    expect(seqAdd(65530, 10)).toBe(4);
  });

  it('wraps below 0 for negative steps', () => {
    expect(seqAdd(0, -1)).toBe(65535);
    expect(seqAdd(3, -5)).toBe(65534);
  });

  it('ignores whole cycles', () => {
    expect(seqAdd(10, 0x10000)).toBe(10);
  });
});

describe('seqDelta', () => {
  it('is the plain difference for nearby numbers', () => {
    expect(seqDelta(100, 105)).toBe(5);
    expect(seqDelta(105, 100)).toBe(-5);
    expect(seqDelta(7, 7)).toBe(0);
  });

  it('takes the short way across the wrap', () => {
    expect(seqDelta(65535, 0)).toBe(1);
    expect(seqDelta(0, 65535)).toBe(-1);
    expect(seqDelta(65530, 4)).toBe(10);
    expect(seqDelta(4, 65530)).toBe(-10);
  });

  it('stays in -32768..32767 at the half-way point', () => {
    expect(seqDelta(0, 32767)).toBe(32767);
    expect(seqDelta(0, 32768)).toBe(-32768);
    expect(seqDelta(0, 32769)).toBe(-32767);
    expect(seqDelta(32768, 0)).toBe(-32768);
  });

  it('is consistent with seqAdd', () => {
    for (const a of [0, 1, 1000, 32767, 32768, 65000, 65535]) {
      for (const d of [-32768, -1000, -1, 0, 1, 17, 32767]) {
        expect(seqDelta(a, seqAdd(a, d))).toBe(d);
      }
    }
  });
});

describe('seqNewer', () => {
  it('is true when b follows a', () => {
    expect(seqNewer(1, 2)).toBe(true);
    expect(seqNewer(65535, 0)).toBe(true);
    expect(seqNewer(65000, 100)).toBe(true);
  });

  it('is false when b precedes or equals a', () => {
    expect(seqNewer(2, 1)).toBe(false);
    expect(seqNewer(0, 65535)).toBe(false);
    expect(seqNewer(5, 5)).toBe(false);
  });

  it('treats exactly half a cycle ahead as older', () => {
    expect(seqNewer(0, 32767)).toBe(true);
    expect(seqNewer(0, 32768)).toBe(false);
  });
});
