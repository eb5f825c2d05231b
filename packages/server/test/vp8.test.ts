import { describe, expect, it } from 'vitest';
import { isVp8KeyFrame } from '../src/sfu/rtp/vp8.ts';

/**
 * VP8 payload header (RFC 6386 §9.1 / RFC 7741 §4.3) first bytes. Bit 0 of the first byte is P, the
 * inverse key frame flag. A key frame is followed by the start code 9d 01 2a.
 */
const KEY = [0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];
const DELTA = [0x31, 0x0b, 0x00, 0x11, 0x22];

/** Payload descriptor first byte: X R N S R PID. */
const S = 0x10;
const X = 0x80;
/** Extension byte: I L T K RSV. */
const I = 0x80;
const L = 0x40;
const T = 0x20;
const K = 0x10;

function payload(...bytes: number[]): Buffer {
  return Buffer.from(bytes);
}

describe('isVp8KeyFrame', () => {
  it('detects a key frame with the minimal 1-byte descriptor', () => {
    expect(isVp8KeyFrame(payload(S, ...KEY))).toBe(true);
  });

  it('rejects a delta frame with the minimal descriptor', () => {
    expect(isVp8KeyFrame(payload(S, ...DELTA))).toBe(false);
  });

  it('accepts the N (non-reference) bit with a key frame header', () => {
    expect(isVp8KeyFrame(payload(S | 0x20, ...KEY))).toBe(true);
  });

  it('rejects a packet that does not start a partition (S=0)', () => {
    expect(isVp8KeyFrame(payload(0x00, ...KEY))).toBe(false);
    expect(isVp8KeyFrame(payload(X, 0x00, ...KEY))).toBe(false);
  });

  it.each([1, 2, 7])('rejects the start of partition %d', (pid) => {
    expect(isVp8KeyFrame(payload(S | pid, ...KEY))).toBe(false);
  });

  it('handles X set with an empty extension byte', () => {
    // If the extension byte were taken as the VP8 header, its P bit (0) would say key frame.
    expect(isVp8KeyFrame(payload(X | S, 0x00, ...KEY))).toBe(true);
    expect(isVp8KeyFrame(payload(X | S, 0x00, ...DELTA))).toBe(false);
  });

  it('skips a 7-bit picture id', () => {
    // Picture id 0x05 has P bit 1: misreading it as the header would say "not key".
    expect(isVp8KeyFrame(payload(X | S, I, 0x05, ...KEY))).toBe(true);
    // Picture id 0x04 has P bit 0: misreading it would say "key".
    expect(isVp8KeyFrame(payload(X | S, I, 0x04, ...DELTA))).toBe(false);
  });

  it('skips a 15-bit picture id (M bit set)', () => {
    expect(isVp8KeyFrame(payload(X | S, I, 0x81, 0x23, ...KEY))).toBe(true);
    expect(isVp8KeyFrame(payload(X | S, I, 0x80, 0x22, ...DELTA))).toBe(false);
  });

  it('skips TL0PICIDX (L)', () => {
    expect(isVp8KeyFrame(payload(X | S, L, 0x01, ...KEY))).toBe(true);
    expect(isVp8KeyFrame(payload(X | S, L, 0x00, ...DELTA))).toBe(false);
  });

  it('skips the TID/Y/KEYIDX byte when T or K is set, once', () => {
    expect(isVp8KeyFrame(payload(X | S, T, 0x41, ...KEY))).toBe(true);
    expect(isVp8KeyFrame(payload(X | S, K, 0x41, ...KEY))).toBe(true);
    // T and K together share one byte: KEY follows after exactly one byte.
    expect(isVp8KeyFrame(payload(X | S, T | K, 0x41, ...KEY))).toBe(true);
    expect(isVp8KeyFrame(payload(X | S, T | K, 0x40, ...DELTA))).toBe(false);
  });

  it('skips all optional fields together (I with 15-bit id, L, T, K)', () => {
    expect(isVp8KeyFrame(payload(X | S, I | L | T | K, 0xff, 0xff, 0x03, 0x61, ...KEY))).toBe(true);
    expect(isVp8KeyFrame(payload(X | S, I | L | T | K, 0x80, 0x00, 0x02, 0x60, ...DELTA))).toBe(false);
    expect(isVp8KeyFrame(payload(X | S, I | L | T, 0x05, 0x07, 0x21, ...KEY))).toBe(true);
  });

  it('rejects a later partition start also with an extended descriptor', () => {
    expect(isVp8KeyFrame(payload(X | S | 1, I, 0x05, ...KEY))).toBe(false);
  });

  describe('too-short payloads', () => {
    it.each([
      ['empty', []],
      ['descriptor only', [S]],
      ['X without extension byte', [X | S]],
      ['extension byte only', [X | S, 0x00]],
      ['I without picture id', [X | S, I]],
      ['7-bit picture id without header', [X | S, I, 0x04]],
      ['15-bit picture id cut short', [X | S, I, 0x80]],
      ['15-bit picture id without header', [X | S, I, 0x80, 0x00]],
      ['L without TL0PICIDX', [X | S, L]],
      ['T without its byte', [X | S, T]],
      ['all fields without header', [X | S, I | L | T | K, 0x80, 0x00, 0x00, 0x00]],
    ])('is false for %s', (_label, bytes) => {
      expect(isVp8KeyFrame(Buffer.from(bytes))).toBe(false);
    });
  });
});
