import { describe, expect, it } from 'vitest';
import { isRtcp, RtpView, writeRetransmission, writeRewritten } from '../src/sfu/rtp/rtp-view.ts';
import { parsed, rtp } from './helpers/rtp-packet.ts';

describe('RtpView.reset on valid packets', () => {
  it('reads the fixed header fields', () => {
    const view = parsed(
      rtp({ marker: true, payloadType: 111, sequence: 0xfedc, timestamp: 0xdeadbeef, ssrc: 0xcafebabe, payload: [1, 2, 3, 4] }),
    );
    expect(view.marker).toBe(true);
    expect(view.payloadType).toBe(111);
    expect(view.sequence).toBe(0xfedc);
    expect(view.timestamp).toBe(0xdeadbeef);
    expect(view.ssrc).toBe(0xcafebabe);
    expect(view.payloadOffset).toBe(12);
    expect(view.payloadLength).toBe(4);
    expect(view.extensionStart).toBe(-1);
    expect(view.extensionProfile).toBe(0);
    expect([...view.payload()]).toEqual([1, 2, 3, 4]);
  });

  it('reads a packet without marker', () => {
    const view = parsed(rtp({ marker: false, payloadType: 127 }));
    expect(view.marker).toBe(false);
    expect(view.payloadType).toBe(127);
  });

  it('accepts a header-only packet with an empty payload', () => {
    const view = parsed(rtp({ payload: [] }));
    expect(view.payloadLength).toBe(0);
    expect(view.payload().length).toBe(0);
  });

  it('skips CSRCs', () => {
    const view = parsed(rtp({ csrcs: [1, 2, 3], payload: [9, 8, 7] }));
    expect(view.payloadOffset).toBe(24);
    expect([...view.payload()]).toEqual([9, 8, 7]);
  });

  it('skips the maximum of 15 CSRCs', () => {
    const csrcs = Array.from({ length: 15 }, (_, i) => i + 1);
    const view = parsed(rtp({ csrcs, payload: [5] }));
    expect(view.payloadOffset).toBe(12 + 60);
    expect([...view.payload()]).toEqual([5]);
  });

  it('parses a one-byte (0xBEDE) header extension', () => {
    // id 1 len 1: [0x10, 0x42]; id 3 len 3: [0x32, a, b, c]; 2 bytes padding = 8 bytes, 2 words.
    const body = [0x10, 0x42, 0x32, 0x0a, 0x0b, 0x0c, 0x00, 0x00];
    const view = parsed(rtp({ extension: { profile: 0xbede, body }, payload: [0xf0, 0xf1] }));
    expect(view.extensionProfile).toBe(0xbede);
    expect(view.extensionStart).toBe(16);
    expect(view.extensionEnd).toBe(24);
    expect(view.payloadOffset).toBe(24);
    expect([...view.payload()]).toEqual([0xf0, 0xf1]);
    expect([...(view.extension(1) ?? [])]).toEqual([0x42]);
    expect([...(view.extension(3) ?? [])]).toEqual([0x0a, 0x0b, 0x0c]);
  });

  it('parses a two-byte (0x1000) header extension', () => {
    // id 5 len 2 [7, 8]; id 200 len 0; id 9 len 3 [1,2,3]; padding to 12 bytes.
    const body = [5, 2, 7, 8, 200, 0, 9, 3, 1, 2, 3, 0];
    const view = parsed(rtp({ extension: { profile: 0x1000, body }, payload: [0x77] }));
    expect(view.extensionProfile).toBe(0x1000);
    expect(view.payloadOffset).toBe(12 + 4 + 12);
    expect([...view.payload()]).toEqual([0x77]);
    expect([...(view.extension(5) ?? [])]).toEqual([7, 8]);
    expect([...(view.extension(9) ?? [])]).toEqual([1, 2, 3]);
    const empty = view.extension(200);
    expect(empty).not.toBeNull();
    expect(empty?.length).toBe(0);
  });

  it('parses an extension together with CSRCs', () => {
    const body = [0x20, 0x99, 0x00, 0x00];
    const view = parsed(rtp({ csrcs: [0xabcdef01], extension: { profile: 0xbede, body }, payload: [1] }));
    expect(view.extensionStart).toBe(12 + 4 + 4);
    expect(view.payloadOffset).toBe(12 + 4 + 4 + 4);
    expect([...(view.extension(2) ?? [])]).toEqual([0x99]);
    expect([...view.payload()]).toEqual([1]);
  });

  it('accepts an extension with zero words', () => {
    const view = parsed(rtp({ extension: { profile: 0xbede, body: [] }, payload: [3, 4] }));
    expect(view.extensionStart).toBe(16);
    expect(view.extensionEnd).toBe(16);
    expect(view.payloadOffset).toBe(16);
    expect(view.extension(1)).toBeNull();
    expect([...view.payload()]).toEqual([3, 4]);
  });

  it('excludes padding from the payload', () => {
    const view = parsed(rtp({ payload: [1, 2, 3, 4, 5], padding: 3 }));
    expect(view.payloadOffset).toBe(12);
    expect(view.payloadLength).toBe(5);
    expect([...view.payload()]).toEqual([1, 2, 3, 4, 5]);
  });

  it('accepts a padding-only packet (payload entirely padding)', () => {
    const view = parsed(rtp({ payload: [], padding: 4 }));
    expect(view.payloadLength).toBe(0);
  });

  it('handles padding together with an extension', () => {
    const view = parsed(rtp({ extension: { profile: 0xbede, body: [0x10, 1, 0, 0] }, payload: [6, 7], padding: 2 }));
    expect([...view.payload()]).toEqual([6, 7]);
    expect([...(view.extension(1) ?? [])]).toEqual([1]);
  });

  it('is reusable: a second reset forgets the first packet', () => {
    const view = parsed(rtp({ marker: true, extension: { profile: 0xbede, body: [0x10, 1, 0, 0] }, padding: 2 }));
    expect(view.reset(rtp({ marker: false, sequence: 7, payload: [1, 2] }))).toBe(true);
    expect(view.marker).toBe(false);
    expect(view.sequence).toBe(7);
    expect(view.extensionStart).toBe(-1);
    expect(view.extensionEnd).toBe(-1);
    expect(view.extensionProfile).toBe(0);
    expect(view.extension(1)).toBeNull();
    expect([...view.payload()]).toEqual([1, 2]);
  });

  it('does not copy: payload() is a view into the packet', () => {
    const packet = rtp({ payload: [1, 2, 3] });
    const view = parsed(packet);
    packet[12] = 0x55;
    expect(view.payload()[0]).toBe(0x55);
  });
});

describe('RtpView.reset on malformed packets', () => {
  it.each([0, 1, 11])('rejects a %d-byte buffer', (length) => {
    expect(new RtpView().reset(Buffer.alloc(length, 0x80))).toBe(false);
  });

  it.each([0, 1, 3])('rejects version %d', (version) => {
    expect(new RtpView().reset(rtp({ version }))).toBe(false);
  });

  it('rejects a padding count of zero', () => {
    const packet = rtp({ payload: [1, 2, 3], padding: 1 });
    packet[packet.length - 1] = 0;
    expect(new RtpView().reset(packet)).toBe(false);
  });

  it('rejects padding longer than the payload', () => {
    const packet = rtp({ payload: [1, 2], padding: 2 });
    packet[packet.length - 1] = 5; // 4 bytes of payload+padding, claims 5
    expect(new RtpView().reset(packet)).toBe(false);
  });

  it('rejects padding that would eat into the header', () => {
    const packet = rtp({ payload: [], padding: 1 });
    packet[packet.length - 1] = 13;
    expect(new RtpView().reset(packet)).toBe(false);
  });

  it('accepts padding that exactly consumes the payload but rejects one byte more', () => {
    const ok = rtp({ payload: [1, 2, 3], padding: 1 });
    ok[ok.length - 1] = 4; // 3 payload bytes + the count byte
    const view = parsed(ok);
    expect(view.payloadLength).toBe(0);
    ok[ok.length - 1] = 5;
    expect(new RtpView().reset(ok)).toBe(false);
  });

  it('rejects CSRCs that run past the end', () => {
    const packet = rtp({ payload: [1, 2, 3, 4] });
    packet[0] = (packet[0] as number) | 2; // claims 2 CSRCs = 8 bytes, has 4
    expect(new RtpView().reset(packet)).toBe(false);
  });

  it('rejects an extension bit with no room for the extension header', () => {
    const packet = rtp({ payload: [0xbe, 0xde] });
    packet[0] = (packet[0] as number) | 0x10;
    expect(new RtpView().reset(packet)).toBe(false);
  });

  it('rejects an extension whose length overruns the packet', () => {
    const packet = rtp({ extension: { profile: 0xbede, body: [0x10, 1, 0, 0], words: 3 }, payload: [1, 2, 3] });
    expect(new RtpView().reset(packet)).toBe(false);
  });

  it('rejects an extension that overruns into the padding', () => {
    // Extension claims 2 words (8 bytes) while only 4 body bytes + 2 payload bytes + 2 padding follow.
    const packet = rtp({ extension: { profile: 0xbede, body: [0x10, 1, 0, 0], words: 2 }, payload: [1, 2], padding: 2 });
    expect(packet.length).toBe(12 + 4 + 4 + 2 + 2);
    expect(new RtpView().reset(packet)).toBe(false);
  });
});

describe('RtpView.extension', () => {
  it('finds an element after padding bytes (one-byte form)', () => {
    const body = [0x00, 0x00, 0x00, 0x21, 0xa1, 0xa2, 0x00, 0x00];
    const view = parsed(rtp({ extension: { profile: 0xbede, body } }));
    expect([...(view.extension(2) ?? [])]).toEqual([0xa1, 0xa2]);
  });

  it('finds an element after padding bytes (two-byte form)', () => {
    const body = [0x00, 0x00, 0x07, 0x01, 0x5a, 0x00, 0x00, 0x00];
    const view = parsed(rtp({ extension: { profile: 0x1000, body } }));
    expect([...(view.extension(7) ?? [])]).toEqual([0x5a]);
  });

  it('returns a slice of the original buffer', () => {
    const packet = rtp({ extension: { profile: 0xbede, body: [0x10, 0x42, 0, 0] } });
    const view = parsed(packet);
    const value = view.extension(1);
    packet[17] = 0x43;
    expect(value?.[0]).toBe(0x43);
  });

  it('returns null for an absent id', () => {
    const view = parsed(rtp({ extension: { profile: 0xbede, body: [0x10, 0x42, 0x32, 1, 2, 3, 0, 0] } }));
    expect(view.extension(2)).toBeNull();
    expect(view.extension(14)).toBeNull();
  });

  it('returns null for ids <= 0', () => {
    const view = parsed(rtp({ extension: { profile: 0x1000, body: [1, 1, 9, 0] } }));
    expect(view.extension(0)).toBeNull();
    expect(view.extension(-1)).toBeNull();
  });

  it('returns null when the packet has no extension', () => {
    expect(parsed(rtp()).extension(1)).toBeNull();
  });

  it('stops at the reserved id 15 in the one-byte form', () => {
    // id 15 then what would look like id 1.
    const view = parsed(rtp({ extension: { profile: 0xbede, body: [0xf0, 0x10, 0x42, 0x00] } }));
    expect(view.extension(1)).toBeNull();
  });

  it('returns null for an element that overruns the extension block', () => {
    // id 1 claims 4 bytes (len field 3) but only 3 remain in the block.
    const view = parsed(rtp({ extension: { profile: 0xbede, body: [0x13, 1, 2, 3] }, payload: [9, 9, 9] }));
    expect(view.extension(1)).toBeNull();
  });

  it('returns null for a two-byte element header cut off at the end of the block', () => {
    const view = parsed(rtp({ extension: { profile: 0x1000, body: [0, 0, 0, 4] }, payload: [1, 2] }));
    expect(view.extension(4)).toBeNull();
  });

  it('accepts two-byte profiles with app bits (0x100X)', () => {
    const view = parsed(rtp({ extension: { profile: 0x100f, body: [3, 1, 0x33, 0] } }));
    expect([...(view.extension(3) ?? [])]).toEqual([0x33]);
  });

  it('returns null for an unknown extension profile', () => {
    const view = parsed(rtp({ extension: { profile: 0xabcd, body: [0x10, 0x42, 0, 0] } }));
    expect(view.extensionProfile).toBe(0xabcd);
    expect(view.extension(1)).toBeNull();
  });

  it('finds a one-byte element of the maximum length 16', () => {
    const value = Array.from({ length: 16 }, (_, i) => i + 100);
    const view = parsed(rtp({ extension: { profile: 0xbede, body: [0x4f, ...value, 0, 0, 0] } }));
    expect([...(view.extension(4) ?? [])]).toEqual(value);
  });
});

describe('isRtcp', () => {
  it.each([192, 200, 201, 202, 203, 204, 205, 206, 207, 223])('is true for packet type %d', (pt) => {
    expect(isRtcp(Buffer.from([0x80, pt, 0, 1, 0, 0, 0, 0]))).toBe(true);
  });

  it.each([0, 96, 111, 127, 191, 224, 0x80 | 96, 255])('is false for second byte %d', (b1) => {
    expect(isRtcp(Buffer.from([0x80, b1, 0, 1]))).toBe(false);
  });

  it('is false for buffers shorter than 2 bytes', () => {
    expect(isRtcp(Buffer.alloc(0))).toBe(false);
    expect(isRtcp(Buffer.from([200]))).toBe(false);
  });
});

describe('writeRewritten', () => {
  const rewrite = { payloadType: 100, sequence: 0x1234, timestamp: 0x89abcdef, ssrc: 0x0badf00d };

  it('writes a plain 12-byte header with the new fields and the payload', () => {
    const view = parsed(rtp({ marker: true, payloadType: 96, payload: [1, 2, 3, 4, 5] }));
    const out = Buffer.alloc(1500, 0xff);
    const written = writeRewritten(view, rewrite, out);
    expect(written.length).toBe(17);
    expect(written.buffer).toBe(out.buffer);
    expect([...written]).toEqual([0x80, 0x80 | 100, 0x12, 0x34, 0x89, 0xab, 0xcd, 0xef, 0x0b, 0xad, 0xf0, 0x0d, 1, 2, 3, 4, 5]);
  });

  it('keeps a cleared marker cleared', () => {
    const view = parsed(rtp({ marker: false }));
    const written = writeRewritten(view, rewrite, Buffer.alloc(100));
    expect(written[1]).toBe(100);
  });

  it('drops CSRCs, extensions and padding but keeps the payload intact', () => {
    const payload = Array.from({ length: 40 }, (_, i) => (i * 7) & 0xff);
    const original = rtp({
      csrcs: [1, 2],
      extension: { profile: 0xbede, body: [0x10, 0x42, 0x00, 0x00] },
      payload,
      padding: 4,
      marker: true,
    });
    const view = parsed(original);
    const written = writeRewritten(view, rewrite, Buffer.alloc(1500));
    expect(written.length).toBe(12 + payload.length);
    expect(written[0]).toBe(0x80); // V=2, no P, no X, CC=0
    expect(written[1]! & 0x80).toBe(0x80);
    expect([...written.subarray(12)]).toEqual(payload);
    // The result parses back to the same payload with the new header.
    const back = parsed(written);
    expect(back.payloadType).toBe(100);
    expect(back.sequence).toBe(0x1234);
    expect(back.timestamp).toBe(0x89abcdef);
    expect(back.ssrc).toBe(0x0badf00d);
    expect(back.extensionStart).toBe(-1);
    expect([...back.payload()]).toEqual(payload);
  });

  it('wraps sequence to 16 bits, timestamp and ssrc to 32 bits, payload type to 7 bits', () => {
    const view = parsed(rtp({ marker: false }));
    const written = parsed(
      writeRewritten(view, { payloadType: 0x80 | 5, sequence: 0x10005, timestamp: 2 ** 32 + 9, ssrc: -1 }, Buffer.alloc(100)),
    );
    expect(written.payloadType).toBe(5);
    expect(written.marker).toBe(false);
    expect(written.sequence).toBe(5);
    expect(written.timestamp).toBe(9);
    expect(written.ssrc).toBe(0xffffffff);
  });

  it('does not modify the original packet', () => {
    const original = rtp({ csrcs: [7], payload: [1, 2, 3] });
    const copy = Buffer.from(original);
    writeRewritten(parsed(original), rewrite, Buffer.alloc(100));
    expect(original.equals(copy)).toBe(true);
  });
});

describe('writeRetransmission (RFC 4588)', () => {
  const rewrite = { payloadType: 97, sequence: 500, timestamp: 90000, ssrc: 0x72747878 };

  it('puts the original sequence number in the first two payload bytes', () => {
    const view = parsed(rtp({ marker: true, sequence: 0xbeef, payload: [0x10, 0x20, 0x30] }));
    const written = writeRetransmission(view, rewrite, 0xbeef, Buffer.alloc(1500));
    expect(written.length).toBe(12 + 2 + 3);
    expect([...written.subarray(0, 12)]).toEqual([0x80, 0x80 | 97, 0x01, 0xf4, 0, 0x01, 0x5f, 0x90, 0x72, 0x74, 0x78, 0x78]);
    expect(written.readUInt16BE(12)).toBe(0xbeef);
    expect([...written.subarray(14)]).toEqual([0x10, 0x20, 0x30]);
  });

  it('uses the given original sequence, masked to 16 bits, and keeps marker off when off', () => {
    const view = parsed(rtp({ marker: false, sequence: 1, payload: [9] }));
    const written = writeRetransmission(view, rewrite, 0x1ffff, Buffer.alloc(100));
    expect(written[1]).toBe(97);
    expect(written.readUInt16BE(12)).toBe(0xffff);
    expect(written[14]).toBe(9);
  });

  it('drops extensions and padding of the original', () => {
    const payload = [1, 2, 3, 4, 5, 6];
    const view = parsed(rtp({ extension: { profile: 0x1000, body: [1, 1, 0x11, 0] }, payload, padding: 3 }));
    const written = writeRetransmission(view, rewrite, 77, Buffer.alloc(100));
    const back = parsed(written);
    expect(back.extensionStart).toBe(-1);
    expect(back.payloadType).toBe(97);
    expect([...back.payload()]).toEqual([0, 77, ...payload]);
  });
});
