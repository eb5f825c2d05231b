import { describe, expect, it } from 'vitest';
import type { Vp8Picture } from '../src/sfu/rtp/vp8.ts';
import { readVp8Picture, shiftVp8Picture } from '../src/sfu/rtp/vp8.ts';

// X=1, S=1 | I=1 L=1 T=1 | M=1 picture ID 0x7ffe | TL0PICIDX 0xff | TID=2 Y=1 | VP8 payload
const descriptor = () => Buffer.from([0x90, 0xe0, 0xff, 0xfe, 0xff, 0xa0, 0x11, 0x22]);

describe('VP8 picture ID and TL0PICIDX rewriting', () => {
  it('reads the 15-bit picture ID and TL0PICIDX', () => {
    const out: Vp8Picture = { pictureId: 0, tl0PicIdx: 0 };
    expect(readVp8Picture(descriptor(), out)).toBe(true);
    expect(out).toEqual({ pictureId: 0x7ffe, tl0PicIdx: 0xff });
  });

  it('shifts both with wrap-around, leaving everything else alone', () => {
    const packet = Buffer.concat([Buffer.alloc(12, 0xab), descriptor()]);
    shiftVp8Picture(packet, 12, 3, 2);
    const out: Vp8Picture = { pictureId: 0, tl0PicIdx: 0 };
    readVp8Picture(packet.subarray(12), out);
    expect(out).toEqual({ pictureId: 1, tl0PicIdx: 1 });
    expect(packet.subarray(0, 12)).toEqual(Buffer.alloc(12, 0xab));
    expect([...packet.subarray(12)]).toEqual([0x90, 0xe0, 0x80, 0x01, 0x01, 0xa0, 0x11, 0x22]);
  });

  it('keeps a 7-bit picture ID 7-bit, and a descriptor without X untouched', () => {
    const short = Buffer.from([0x90, 0x80, 0x7f, 0x00]);
    shiftVp8Picture(short, 0, 2, 0);
    expect([...short]).toEqual([0x90, 0x80, 0x01, 0x00]);
    const plain = Buffer.from([0x10, 0x00, 0x01]);
    shiftVp8Picture(plain, 0, 5, 5);
    expect([...plain]).toEqual([0x10, 0x00, 0x01]);
  });
});
