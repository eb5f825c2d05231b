import { expect } from 'vitest';
import type { PacketArrival } from '../../src/sfu/rtp/transport-cc.ts';

/** Big-endian byte writers, so fixtures do not depend on the code under test. */
export function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}
export function u24(n: number): number[] {
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}
export function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
export function i16(n: number): number[] {
  return u16(n & 0xffff);
}

export interface FeedbackFields {
  senderSsrc?: number;
  mediaSsrc?: number;
  baseSequence: number;
  count: number;
  /** Reference time in 64 ms units (signed 24 bit). */
  referenceTicks: number;
  feedbackCount?: number;
  /** 16-bit packet chunks. */
  chunks: number[];
  /** Receive delta bytes, already encoded (1 byte small, 2 bytes large). */
  deltas: number[];
}

/**
 * A transport-cc feedback built by hand after draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1: V=2 P FMT=15, PT=205, length; sender SSRC; media SSRC; base sequence; status count;
 * reference time (24 bit); feedback packet count; packet chunks; receive deltas; padding.
 */
export function feedbackBytes(f: FeedbackFields): Buffer {
  const body = [
    ...u32(f.senderSsrc ?? 1),
    ...u32(f.mediaSsrc ?? 0x11223344),
    ...u16(f.baseSequence),
    ...u16(f.count),
    ...u24(f.referenceTicks & 0xffffff),
    (f.feedbackCount ?? 0) & 0xff,
    ...f.chunks.flatMap(u16),
    ...f.deltas,
  ];
  const unpadded = 4 + body.length;
  const padding = (4 - (unpadded % 4)) % 4;
  for (let i = 0; i < padding; i++) body.push(i === padding - 1 ? padding : 0);
  return Buffer.from([0x80 | (padding ? 0x20 : 0) | 15, 205, ...u16((4 + body.length) / 4 - 1), ...body]);
}

/** Two-bit status vector chunk (T=1, S=1) from up to seven 2-bit symbols. */
export function twoBitChunk(symbols: number[]): number {
  let chunk = 0xc000;
  symbols.forEach((s, i) => {
    chunk |= s << (12 - 2 * i);
  });
  return chunk;
}

/** One-bit status vector chunk (T=1, S=0) from up to fourteen 1-bit symbols. */
export function oneBitChunk(symbols: number[]): number {
  let chunk = 0x8000;
  symbols.forEach((s, i) => {
    chunk |= s << (13 - i);
  });
  return chunk;
}

/** Run-length chunk (T=0): 2-bit symbol, 13-bit run length. */
export function runChunk(symbol: number, run: number): number {
  return (symbol << 13) | run;
}

export function arrivals(base: number, times: Array<number | null>): PacketArrival[] {
  return times.map((arrivalMs, i) => ({ sequence: (base + i) & 0xffff, arrivalMs }));
}

/** Asserts a parsed feedback matches what was built, to the 0.25 ms resolution of the format. */
export function expectArrivalsClose(parsed: PacketArrival[], sent: PacketArrival[]): void {
  expect(parsed.map((p) => p.sequence)).toEqual(sent.map((p) => p.sequence));
  parsed.forEach((p, i) => {
    const s = sent[i] as PacketArrival;
    if (s.arrivalMs === null) expect(p.arrivalMs).toBeNull();
    else {
      expect(p.arrivalMs).not.toBeNull();
      expect(Math.abs((p.arrivalMs as number) - s.arrivalMs)).toBeLessThanOrEqual(0.125);
    }
  });
}

/** Deterministic pseudo-random numbers (mulberry32), so fuzz cases are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
