import { describe, expect, it } from 'vitest';
import { PacketCache } from '../src/sfu/rtp/packet-cache.ts';

function packet(n: number): Buffer {
  return Buffer.from([0x80, 96, (n >> 8) & 0xff, n & 0xff]);
}

describe('PacketCache', () => {
  it('returns the stored buffer itself (no copy)', () => {
    const cache = new PacketCache(8);
    const p = packet(1);
    cache.put(1, p);
    expect(cache.get(1)).toBe(p);
  });

  it('returns undefined for sequences never stored', () => {
    const cache = new PacketCache(8);
    expect(cache.get(0)).toBeUndefined();
    expect(cache.get(5)).toBeUndefined();
    cache.put(5, packet(5));
    expect(cache.get(4)).toBeUndefined();
    expect(cache.get(6)).toBeUndefined();
  });

  it('returns undefined for a sequence that maps to an occupied slot of another sequence', () => {
    const cache = new PacketCache(8);
    cache.put(3, packet(3));
    expect(cache.get(11)).toBeUndefined();
    expect(cache.get(3 + 65536)).toBeUndefined();
  });

  it('overwrites the oldest entries as a ring', () => {
    const cache = new PacketCache(4);
    const stored = Array.from({ length: 6 }, (_, i) => packet(i));
    for (const [i, p] of stored.entries()) cache.put(i, p);
    expect(cache.get(0)).toBeUndefined();
    expect(cache.get(1)).toBeUndefined();
    for (let i = 2; i < 6; i++) expect(cache.get(i)).toBe(stored[i]);
  });

  it('keeps exactly `size` consecutive packets with the default size of 512', () => {
    const cache = new PacketCache();
    for (let i = 0; i < 600; i++) cache.put(i, packet(i));
    expect(cache.get(87)).toBeUndefined();
    expect(cache.get(88)?.readUInt16BE(2)).toBe(88);
    expect(cache.get(599)?.readUInt16BE(2)).toBe(599);
  });

  it('keeps packets across the sequence wrap-around', () => {
    const cache = new PacketCache(16);
    for (const seq of [65533, 65534, 65535, 0, 1, 2]) cache.put(seq, packet(seq));
    for (const seq of [65533, 65534, 65535, 0, 1, 2]) expect(cache.get(seq)?.readUInt16BE(2)).toBe(seq);
  });

  it('replaces a packet stored again under the same sequence', () => {
    const cache = new PacketCache(4);
    const first = packet(9);
    const second = packet(9);
    cache.put(9, first);
    cache.put(9, second);
    expect(cache.get(9)).toBe(second);
  });

  it('forgets everything on clear', () => {
    const cache = new PacketCache(4);
    cache.put(0, packet(0));
    cache.put(1, packet(1));
    cache.clear();
    expect(cache.get(0)).toBeUndefined();
    expect(cache.get(1)).toBeUndefined();
    cache.put(1, packet(1));
    expect(cache.get(1)).toBeDefined();
  });

  it.each([1, 2, 4, 128, 1024, 65536])('accepts the power of two %d', (size) => {
    const cache = new PacketCache(size);
    cache.put(size - 1, packet(1));
    expect(cache.get(size - 1)).toBeDefined();
  });

  it('works with a single slot', () => {
    const cache = new PacketCache(1);
    cache.put(5, packet(5));
    cache.put(6, packet(6));
    expect(cache.get(5)).toBeUndefined();
    expect(cache.get(6)).toBeDefined();
  });

  it.each([3, 6, 100, 1000, 513, -4])('rejects %d, which is not a power of two', (size) => {
    expect(() => new PacketCache(size)).toThrow('PacketCache size must be a power of two');
  });

  // BUG: `size & (size - 1)` is 0 for size 0, so a zero-size cache is accepted. Its mask is then -1
  // and `put` grows the (size-0) slot array at index `sequence`, holding on to up to 65536 packets
  // that `get` can never return.
  it('rejects 0, which is not a power of two', () => {
    expect(() => new PacketCache(0)).toThrow('PacketCache size must be a power of two');
  });
});
