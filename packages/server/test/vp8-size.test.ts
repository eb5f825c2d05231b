import { describe, expect, it } from 'vitest';
import { isVp8KeyFrame, vp8KeyFrameSize } from '../src/sfu/rtp/vp8.ts';

/** Payload descriptor first byte: X R N S R PID (RFC 7741 §4.2). */
const S = 0x10;
const X = 0x80;
/** Extension byte: I L T K RSV. */
const I = 0x80;
const L = 0x40;
const T = 0x20;
const K = 0x10;

function le16(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff];
}

/**
 * The first bytes of a VP8 key frame (RFC 6386 §9.1): 3-byte frame tag (P=0 key frame, version 0,
 * show_frame 1, first partition size), start code 9d 01 2a, then 16-bit little-endian width and
 * height whose upper 2 bits are the scaling mode.
 */
function keyFrame(width: number, height: number, horizontalScale = 0, verticalScale = 0): number[] {
  return [0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, ...le16(width | (horizontalScale << 14)), ...le16(height | (verticalScale << 14))];
}

/** Same layout, but P=1 (inter frame): a delta frame has no start code or size. */
function deltaFrame(): number[] {
  return [0x31, 0x0b, 0x00, 0x9d, 0x01, 0x2a, ...le16(640), ...le16(480)];
}

/** Some compressed data after the header, as in a real packet. */
const REST = [0x00, 0x3f, 0x7a, 0x12, 0xee, 0x01, 0x80, 0x55];

function payload(...bytes: number[]): Buffer {
  return Buffer.from(bytes);
}

describe('vp8KeyFrameSize', () => {
  it('reads the size after the minimal 1-byte descriptor', () => {
    expect(vp8KeyFrameSize(payload(S, ...keyFrame(640, 480), ...REST))).toEqual({ width: 640, height: 480 });
  });

  it.each([
    [320, 180],
    [640, 360],
    [1280, 720],
    [1920, 1080],
    [1, 1],
    [16383, 16383],
    [0x2a5, 0x13c],
  ])('reads %dx%d', (width, height) => {
    expect(vp8KeyFrameSize(payload(S, ...keyFrame(width, height)))).toEqual({ width, height });
  });

  it('reads the width and height little-endian', () => {
    // 0x0500 = 1280, 0x02d0 = 720; read big-endian these would be 5 and 0xd002.
    expect(vp8KeyFrameSize(payload(S, 0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x00, 0x05, 0xd0, 0x02))).toEqual({
      width: 1280,
      height: 720,
    });
  });

  it('ignores the two scaling bits above each 14-bit dimension', () => {
    for (const [h, v] of [
      [1, 0],
      [0, 2],
      [3, 3],
      [2, 1],
    ] as const) {
      expect(vp8KeyFrameSize(payload(S, ...keyFrame(1280, 720, h, v)))).toEqual({ width: 1280, height: 720 });
    }
    expect(vp8KeyFrameSize(payload(S, ...keyFrame(16383, 1, 3, 3)))).toEqual({ width: 16383, height: 1 });
  });

  it('accepts exactly ten header bytes (nothing after the size)', () => {
    expect(vp8KeyFrameSize(payload(S, ...keyFrame(320, 180)))).toEqual({ width: 320, height: 180 });
  });

  it('accepts the N (non-reference) bit', () => {
    expect(vp8KeyFrameSize(payload(S | 0x20, ...keyFrame(640, 360)))).toEqual({ width: 640, height: 360 });
  });

  describe('extended descriptors', () => {
    it.each([
      ['an empty extension byte', [X | S, 0x00]],
      ['a 7-bit picture id', [X | S, I, 0x05]],
      ['a 15-bit picture id', [X | S, I, 0x81, 0x23]],
      ['TL0PICIDX', [X | S, L, 0x07]],
      ['TID/Y/KEYIDX (T)', [X | S, T, 0x40]],
      ['TID/Y/KEYIDX (K)', [X | S, K, 0x1f]],
      ['T and K sharing one byte', [X | S, T | K, 0x41]],
      ['I (7-bit), L and T', [X | S, I | L | T, 0x05, 0x07, 0x21]],
      ['all of I (15-bit), L, T and K', [X | S, I | L | T | K, 0xff, 0xff, 0x03, 0x61]],
    ])('skips %s', (_label, descriptor) => {
      expect(vp8KeyFrameSize(payload(...descriptor, ...keyFrame(1280, 720), ...REST))).toEqual({ width: 1280, height: 720 });
    });

    it('reads the size at the right offset (a misaligned read gives another size or null)', () => {
      // A 15-bit picture id whose second byte would look like a key frame header if skipped as 7-bit.
      const bytes = [X | S, I, 0x80, 0x50, ...keyFrame(320, 180)];
      expect(vp8KeyFrameSize(payload(...bytes))).toEqual({ width: 320, height: 180 });
    });
  });

  describe('null', () => {
    it('for a delta frame', () => {
      expect(vp8KeyFrameSize(payload(S, ...deltaFrame(), ...REST))).toBeNull();
      expect(vp8KeyFrameSize(payload(X | S, I | L, 0x81, 0x23, 0x07, ...deltaFrame()))).toBeNull();
    });

    it('for a packet that does not start the frame (S=0)', () => {
      expect(vp8KeyFrameSize(payload(0x00, ...keyFrame(640, 480)))).toBeNull();
      expect(vp8KeyFrameSize(payload(X, I, 0x05, ...keyFrame(640, 480)))).toBeNull();
    });

    it.each([1, 2, 3, 7])('for the start of partition %d', (pid) => {
      expect(vp8KeyFrameSize(payload(S | pid, ...keyFrame(640, 480)))).toBeNull();
    });

    it.each([
      ['first byte', [0x9c, 0x01, 0x2a]],
      ['second byte', [0x9d, 0x00, 0x2a]],
      ['third byte', [0x9d, 0x01, 0x2b]],
      ['byte order', [0x2a, 0x01, 0x9d]],
    ])('for a bad start code (%s)', (_label, code) => {
      const bytes = keyFrame(640, 480);
      bytes.splice(3, 3, ...code);
      expect(vp8KeyFrameSize(payload(S, ...bytes))).toBeNull();
    });

    it('for a key frame header cut short', () => {
      const full = [S, ...keyFrame(640, 480)];
      for (let n = 0; n < full.length; n++) expect(vp8KeyFrameSize(Buffer.from(full.slice(0, n)))).toBeNull();
      const extended = [X | S, I | L | T, 0x81, 0x23, 0x07, 0x20, ...keyFrame(640, 480)];
      for (let n = 0; n < extended.length; n++) expect(vp8KeyFrameSize(Buffer.from(extended.slice(0, n)))).toBeNull();
      expect(vp8KeyFrameSize(Buffer.from(extended))).toEqual({ width: 640, height: 480 });
    });

    it('for an empty payload', () => {
      expect(vp8KeyFrameSize(Buffer.alloc(0))).toBeNull();
    });
  });

  it('only returns a size where isVp8KeyFrame says key frame', () => {
    // Deterministic pseudo-random payloads, half with a valid start code somewhere likely.
    let seed = 0x1234567;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    let sizes = 0;
    for (let n = 0; n < 5000; n++) {
      const descriptor = random() < 0.5 ? [S] : [X | S, Math.floor(random() * 256), 0x05, 0x07, 0x20];
      const header = random() < 0.5 ? keyFrame(Math.floor(random() * 16384), Math.floor(random() * 16384)) : [];
      const tail = Array.from({ length: Math.floor(random() * 12) }, () => Math.floor(random() * 256));
      const bytes = Buffer.from([...descriptor, ...header, ...tail].slice(0, Math.floor(random() * 24)));
      const size = vp8KeyFrameSize(bytes);
      if (size) {
        sizes++;
        expect(isVp8KeyFrame(bytes)).toBe(true);
        expect(size.width).toBeLessThan(16384);
        expect(size.height).toBeLessThan(16384);
      }
    }
    expect(sizes).toBeGreaterThan(0);
  });
});
