import { describe, expect, it } from 'vitest';
import { TRANSPORT_CC_ID } from '../src/sfu/bwe/downlink-estimate.ts';
import { HEADER_WITH_TRANSPORT_SEQUENCE, writeRewritten } from '../src/sfu/rtp/rtp-view.ts';
import { parsed, rtp } from './helpers/rtp-packet.ts';

const rewrite = { payloadType: 100, sequence: 0x1234, timestamp: 0x89abcdef, ssrc: 0x0badf00d };

describe('writeRewritten with a transport-wide sequence number', () => {
  it('writes a 20-byte header: X bit, one-byte extension profile, one element with the sequence', () => {
    const view = parsed(rtp({ marker: true, payload: [1, 2, 3, 4, 5] }));
    const out = Buffer.alloc(1500, 0xff);
    const written = writeRewritten(view, rewrite, out, { extensionId: 3, sequence: 0xabcd });
    expect(written.buffer).toBe(out.buffer);
    expect(written.length).toBe(20 + 5);
    // V=2, X=1, CC=0; marker + PT 100; sequence; timestamp; SSRC.
    expect([...written.subarray(0, 12)]).toEqual([0x90, 0x80 | 100, 0x12, 0x34, 0x89, 0xab, 0xcd, 0xef, 0x0b, 0xad, 0xf0, 0x0d]);
    // 0xBEDE profile, length 1 word.
    expect([...written.subarray(12, 16)]).toEqual([0xbe, 0xde, 0x00, 0x01]);
    // id 3, length nibble 1 (= 2 bytes), sequence 0xabcd, one byte of padding (zero).
    expect([...written.subarray(16, 20)]).toEqual([0x31, 0xab, 0xcd, 0x00]);
    expect([...written.subarray(20)]).toEqual([1, 2, 3, 4, 5]);
  });

  it('writes exactly HEADER_WITH_TRANSPORT_SEQUENCE header bytes', () => {
    expect(HEADER_WITH_TRANSPORT_SEQUENCE).toBe(20);
    const view = parsed(rtp({ payload: Array.from({ length: 100 }, (_, i) => i) }));
    const written = writeRewritten(view, rewrite, Buffer.alloc(1500), { extensionId: 5, sequence: 1 });
    expect(written.length).toBe(HEADER_WITH_TRANSPORT_SEQUENCE + view.payloadLength);
  });

  it('puts the id in the high nibble for every valid one-byte id', () => {
    const view = parsed(rtp());
    for (let id = 1; id <= 14; id++) {
      const written = writeRewritten(view, rewrite, Buffer.alloc(100), { extensionId: id, sequence: 7 });
      expect(written[16]).toBe((id << 4) | 0x01);
    }
  });

  it('masks the transport sequence to 16 bits', () => {
    const view = parsed(rtp());
    const written = writeRewritten(view, rewrite, Buffer.alloc(100), { extensionId: 3, sequence: 0x1fffe });
    expect(written.readUInt16BE(17)).toBe(0xfffe);
  });

  it('zeroes the padding byte even in a dirty scratch buffer', () => {
    const view = parsed(rtp());
    const out = Buffer.alloc(100, 0xee);
    const written = writeRewritten(view, rewrite, out, { extensionId: 3, sequence: 9 });
    expect(written[19]).toBe(0);
  });

  it('keeps a cleared marker cleared', () => {
    const view = parsed(rtp({ marker: false }));
    const written = writeRewritten(view, rewrite, Buffer.alloc(100), { extensionId: 3, sequence: 9 });
    expect(written[1]).toBe(100);
  });

  it('drops CSRCs, the publisher extensions and padding, and keeps the payload intact', () => {
    const payload = Array.from({ length: 60 }, (_, i) => (i * 13 + 1) & 0xff);
    // The publisher's own transport-wide sequence (id 3, 0x0102) and an audio level (id 1).
    const original = rtp({
      csrcs: [1, 2],
      extension: { profile: 0xbede, body: [0x31, 0x01, 0x02, 0x10, 0x85, 0x00, 0x00, 0x00] },
      payload,
      padding: 3,
    });
    const view = parsed(original);
    const written = writeRewritten(view, rewrite, Buffer.alloc(1500), { extensionId: 3, sequence: 0x7777 });
    expect(written.length).toBe(20 + payload.length);
    expect(written[0]).toBe(0x90); // no P, CC = 0
    expect([...written.subarray(20)]).toEqual(payload);
    const back = parsed(written);
    expect(back.extension(3)?.readUInt16BE(0)).toBe(0x7777);
    expect(back.extension(1)).toBeNull();
  });

  it('leaves the original packet unchanged', () => {
    const original = rtp({ extension: { profile: 0xbede, body: [0x10, 0x42, 0, 0] } });
    const copy = Buffer.from(original);
    writeRewritten(parsed(original), rewrite, Buffer.alloc(100), { extensionId: 3, sequence: 1 });
    expect(original.equals(copy)).toBe(true);
  });

  it('writes no extension for a null transport sequence', () => {
    const view = parsed(rtp({ payload: [9, 8] }));
    const written = writeRewritten(view, rewrite, Buffer.alloc(100), null);
    expect(written.length).toBe(14);
    expect(written[0]).toBe(0x80);
    expect(parsed(written).extensionStart).toBe(-1);
  });
});

describe('RtpView reading the transport-wide sequence back', () => {
  it('parses the rewritten packet and finds the sequence by its id', () => {
    const payload = [0xde, 0xad, 0xbe, 0xef];
    const view = parsed(rtp({ marker: true, payload }));
    const written = writeRewritten(view, rewrite, Buffer.alloc(100), { extensionId: TRANSPORT_CC_ID, sequence: 0xfffe });
    const back = parsed(written);
    expect(back.marker).toBe(true);
    expect(back.payloadType).toBe(100);
    expect(back.sequence).toBe(0x1234);
    expect(back.timestamp).toBe(0x89abcdef);
    expect(back.ssrc).toBe(0x0badf00d);
    expect(back.extensionProfile).toBe(0xbede);
    expect(back.extensionStart).toBe(16);
    expect(back.extensionEnd).toBe(20);
    expect(back.payloadOffset).toBe(20);
    expect([...back.payload()]).toEqual(payload);
    const value = back.extension(TRANSPORT_CC_ID);
    expect(value).not.toBeNull();
    expect(value?.length).toBe(2);
    expect(value?.readUInt16BE(0)).toBe(0xfffe);
  });

  it('finds nothing under another id', () => {
    const back = parsed(writeRewritten(parsed(rtp()), rewrite, Buffer.alloc(100), { extensionId: 3, sequence: 5 }));
    for (const id of [1, 2, 4, 14]) expect(back.extension(id)).toBeNull();
  });

  it('round-trips every sequence number around the wrap', () => {
    const view = parsed(rtp());
    const out = Buffer.alloc(100);
    for (const sequence of [0, 1, 0x7fff, 0x8000, 0xfffe, 0xffff]) {
      const back = parsed(writeRewritten(view, rewrite, out, { extensionId: 3, sequence }));
      expect(back.extension(3)?.readUInt16BE(0)).toBe(sequence);
    }
  });

  it('round-trips an empty payload', () => {
    const view = parsed(rtp({ payload: [] }));
    const written = writeRewritten(view, rewrite, Buffer.alloc(100), { extensionId: 3, sequence: 42 });
    expect(written.length).toBe(20);
    const back = parsed(written);
    expect(back.payloadLength).toBe(0);
    expect(back.extension(3)?.readUInt16BE(0)).toBe(42);
  });
});
