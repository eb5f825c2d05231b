import { describe, expect, it } from 'vitest';
import { buildTransportCcFeedback, parseTransportCcFeedback } from '../src/sfu/rtp/transport-cc.ts';
import {
  arrivals,
  feedbackBytes,
  i16,
  oneBitChunk,
  prng,
  runChunk,
  twoBitChunk,
  u16,
  u24,
  u32,
} from './helpers/transport-cc-fixtures.ts';

describe('parseTransportCcFeedback', () => {
  it('reads run-length chunks', () => {
    const packet = feedbackBytes({
      baseSequence: 500,
      count: 10,
      referenceTicks: 1,
      feedbackCount: 9,
      // 5 small deltas, 3 not received, 2 large deltas.
      chunks: [runChunk(1, 5), runChunk(0, 3), runChunk(2, 2)],
      deltas: [4, 8, 0, 255, 1, ...i16(-400), ...i16(1000)],
    });
    expect(parseTransportCcFeedback(packet)).toEqual({
      mediaSsrc: 0x11223344,
      baseSequence: 500,
      feedbackCount: 9,
      packets: [
        { sequence: 500, arrivalMs: 65 },
        { sequence: 501, arrivalMs: 67 },
        { sequence: 502, arrivalMs: 67 },
        { sequence: 503, arrivalMs: 130.75 },
        { sequence: 504, arrivalMs: 131 },
        { sequence: 505, arrivalMs: null },
        { sequence: 506, arrivalMs: null },
        { sequence: 507, arrivalMs: null },
        { sequence: 508, arrivalMs: 31 },
        { sequence: 509, arrivalMs: 281 },
      ],
    });
  });

  it('stops a run at the packet status count', () => {
    // Chrome sends one long run for a whole feedback; the run may exceed the count.
    const packet = feedbackBytes({
      baseSequence: 0,
      count: 3,
      referenceTicks: 0,
      chunks: [runChunk(1, 8191)],
      deltas: [1, 2, 3],
    });
    expect(parseTransportCcFeedback(packet)?.packets).toEqual([
      { sequence: 0, arrivalMs: 0.25 },
      { sequence: 1, arrivalMs: 0.75 },
      { sequence: 2, arrivalMs: 1.5 },
    ]);
  });

  it('reads a long run of lost packets', () => {
    const packet = feedbackBytes({
      baseSequence: 100,
      count: 1000,
      referenceTicks: 2,
      chunks: [runChunk(0, 999), runChunk(1, 1)],
      deltas: [8],
    });
    const packets = parseTransportCcFeedback(packet)?.packets ?? [];
    expect(packets).toHaveLength(1000);
    expect(packets.slice(0, 999).every((p) => p.arrivalMs === null)).toBe(true);
    expect(packets[999]).toEqual({ sequence: 1099, arrivalMs: 130 });
  });

  it('reads one-bit status vector chunks (14 packets, 1 = received with a small delta)', () => {
    const symbols = [1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const packet = feedbackBytes({
      baseSequence: 65530,
      count: 14,
      referenceTicks: 100,
      chunks: [oneBitChunk(symbols)],
      deltas: [40, 4, 0, 200],
    });
    const parsed = parseTransportCcFeedback(packet);
    expect(packet.readUInt16BE(20)).toBe(0xac01);
    const expected = arrivals(65530, [6410, null, 6411, 6411, null, null, null, null, null, null, null, null, null, 6461]);
    expect(parsed?.packets).toEqual(expected);
    expect(parsed?.packets.map((p) => p.sequence).slice(4, 8)).toEqual([65534, 65535, 0, 1]);
  });

  it('reads a one-bit chunk that covers fewer packets than it could', () => {
    const packet = feedbackBytes({
      baseSequence: 0,
      count: 2,
      referenceTicks: 0,
      chunks: [oneBitChunk([0, 1, 1, 1, 1])],
      deltas: [4],
    });
    expect(parseTransportCcFeedback(packet)?.packets).toEqual([
      { sequence: 0, arrivalMs: null },
      { sequence: 1, arrivalMs: 1 },
    ]);
  });

  it('reads two-bit status vector chunks with large deltas', () => {
    const packet = feedbackBytes({
      baseSequence: 9,
      count: 4,
      referenceTicks: 0,
      chunks: [twoBitChunk([2, 1, 0, 2])],
      deltas: [...i16(-4), 10, ...i16(32767)],
    });
    expect(parseTransportCcFeedback(packet)?.packets).toEqual([
      { sequence: 9, arrivalMs: -1 },
      { sequence: 10, arrivalMs: 1.5 },
      { sequence: 11, arrivalMs: null },
      { sequence: 12, arrivalMs: 1.5 + 8191.75 },
    ]);
  });

  it('reads a mix of chunk types in one packet', () => {
    const packet = feedbackBytes({
      baseSequence: 1,
      count: 7 + 14 + 4,
      referenceTicks: 3,
      chunks: [twoBitChunk([1, 0, 0, 0, 0, 0, 1]), oneBitChunk([1, ...Array(12).fill(0), 1]), runChunk(2, 4)],
      deltas: [4, 4, 4, 4, ...i16(400), ...i16(-400), ...i16(4), ...i16(0)],
    });
    const packets = parseTransportCcFeedback(packet)?.packets ?? [];
    expect(packets).toHaveLength(25);
    const received = packets.filter((p) => p.arrivalMs !== null);
    expect(received.map((p) => p.sequence)).toEqual([1, 7, 8, 21, 22, 23, 24, 25]);
    expect(received.map((p) => p.arrivalMs)).toEqual([193, 194, 195, 196, 296, 196, 197, 197]);
  });

  it('reads a negative reference time', () => {
    const packet = feedbackBytes({ baseSequence: 0, count: 1, referenceTicks: -2, chunks: [runChunk(1, 1)], deltas: [4] });
    expect(parseTransportCcFeedback(packet)?.packets).toEqual([{ sequence: 0, arrivalMs: -127 }]);
  });

  it('reads the largest and smallest 24-bit reference times', () => {
    const max = feedbackBytes({ baseSequence: 0, count: 1, referenceTicks: 0x7fffff, chunks: [runChunk(1, 1)], deltas: [0] });
    const min = feedbackBytes({ baseSequence: 0, count: 1, referenceTicks: -0x800000, chunks: [runChunk(1, 1)], deltas: [0] });
    expect(parseTransportCcFeedback(max)?.packets[0]?.arrivalMs).toBe(0x7fffff * 64);
    expect(parseTransportCcFeedback(min)?.packets[0]?.arrivalMs).toBe(-0x800000 * 64);
  });

  it('parses a feedback at an offset in a compound packet', () => {
    const receiverReport = Buffer.from([0x80, 201, 0, 1, ...u32(0xdeadbeef)]);
    const fb = feedbackBytes({
      baseSequence: 77,
      count: 2,
      referenceTicks: 5,
      chunks: [runChunk(1, 2)],
      deltas: [0, 4],
      mediaSsrc: 0xcafe,
    });
    const trailing = Buffer.from([0x81, 206, 0, 2, ...u32(1), ...u32(0xcafe)]);
    const parsed = parseTransportCcFeedback(Buffer.concat([receiverReport, fb, trailing]), receiverReport.length);
    expect(parsed).toEqual({
      mediaSsrc: 0xcafe,
      baseSequence: 77,
      feedbackCount: 0,
      packets: [
        { sequence: 77, arrivalMs: 320 },
        { sequence: 78, arrivalMs: 321 },
      ],
    });
  });

  it('reads the packets the builder wrote, whatever its padding', () => {
    for (let n = 1; n <= 9; n++) {
      const sent = arrivals(
        n * 100,
        Array.from({ length: n }, (_, i) => 3200 + i * 70),
      );
      expect(parseTransportCcFeedback(buildTransportCcFeedback(1, 2, n, sent))?.packets).toEqual(sent);
    }
  });

  describe('malformed input', () => {
    const valid = feedbackBytes({
      baseSequence: 10,
      count: 5,
      referenceTicks: 1,
      chunks: [twoBitChunk([1, 2, 0, 1, 1])],
      deltas: [4, ...i16(400), 8, 12],
    });

    it('the fixture itself parses', () => {
      expect(parseTransportCcFeedback(valid)).not.toBeNull();
      expect(valid.length).toBe(28);
    });

    it('returns null for anything shorter than the 20-byte header', () => {
      for (let n = 0; n < 20; n++) expect(parseTransportCcFeedback(valid.subarray(0, n))).toBeNull();
    });

    it('returns null when the buffer is shorter than the length field says', () => {
      for (let n = 20; n < valid.length; n++) expect(parseTransportCcFeedback(valid.subarray(0, n))).toBeNull();
    });

    it('returns null when the offset leaves too little', () => {
      expect(parseTransportCcFeedback(valid, 4)).toBeNull();
      expect(parseTransportCcFeedback(valid, valid.length)).toBeNull();
      expect(parseTransportCcFeedback(valid, valid.length + 10)).toBeNull();
    });

    it('returns null for another feedback type (a generic NACK, FMT 1)', () => {
      const nack = Buffer.from(valid);
      nack[0] = 0x81;
      expect(parseTransportCcFeedback(nack)).toBeNull();
    });

    it('returns null when the chunks end before the status count', () => {
      // Count 20, but the packet ends after two chunks (14 packets).
      const packet = feedbackBytes({
        baseSequence: 0,
        count: 20,
        referenceTicks: 0,
        chunks: [runChunk(0, 7), runChunk(0, 7)],
        deltas: [],
      });
      expect(packet.length).toBe(24);
      expect(parseTransportCcFeedback(packet)).toBeNull();
      // The same with enough chunks parses.
      const complete = feedbackBytes({
        baseSequence: 0,
        count: 20,
        referenceTicks: 0,
        chunks: [runChunk(0, 7), runChunk(0, 13)],
        deltas: [],
      });
      expect(parseTransportCcFeedback(complete)?.packets).toHaveLength(20);
    });

    it('returns null when the deltas are cut off', () => {
      // Two large deltas announced, room for one (24 bytes: header, one chunk, one 2-byte delta).
      const cut = Buffer.from([
        0x8f,
        205,
        ...u16(5),
        ...u32(1),
        ...u32(2),
        ...u16(0),
        ...u16(2),
        ...u24(0),
        0,
        ...u16(twoBitChunk([2, 2])),
        ...i16(4),
      ]);
      expect(cut.length).toBe(24);
      expect(parseTransportCcFeedback(cut)).toBeNull();
      // Three small deltas announced, two bytes left.
      const noDeltaAtAll = Buffer.from([
        0x8f,
        205,
        ...u16(5),
        ...u32(1),
        ...u32(2),
        ...u16(0),
        ...u16(3),
        ...u24(0),
        0,
        ...u16(runChunk(1, 3)),
        0,
        0,
      ]);
      expect(parseTransportCcFeedback(noDeltaAtAll)).toBeNull();
    });

    it('returns null (and does not hang) on zero-length runs', () => {
      const packet = Buffer.from([
        0x8f,
        205,
        ...u16(6),
        ...u32(1),
        ...u32(2),
        ...u16(0),
        ...u16(5),
        ...u24(0),
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
      ]);
      expect(packet.length).toBe(28);
      expect(parseTransportCcFeedback(packet)).toBeNull();
    });

    it('returns null when the length field is below the 20-byte minimum of a transport-cc feedback', () => {
      // Length 2 (12 bytes): a packet this short cannot carry base sequence, count or reference
      // time; the 8 bytes after it belong to the next packet of the compound and must not be read.
      const packet = Buffer.from([0x8f, 205, ...u16(2), ...u32(1), ...u32(2), ...u16(0x1234), ...u16(0), ...u24(5), 9]);
      expect(packet.length).toBe(20);
      expect(parseTransportCcFeedback(packet)).toBeNull();
    });

    it('never throws on random bytes', () => {
      const random = prng(12345);
      for (let n = 0; n < 3000; n++) {
        const length = Math.floor(random() * 80);
        const bytes = Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
        if (length > 0 && random() < 0.8) bytes[0] = 0x80 | ((bytes[0] as number) & 0x20) | 15;
        if (length > 3 && random() < 0.8) bytes.writeUInt16BE(Math.floor(random() * (length / 4 + 2)), 2);
        const offset = length > 4 && random() < 0.2 ? Math.floor(random() * 8) : 0;
        expect(() => parseTransportCcFeedback(bytes, offset)).not.toThrow();
      }
    });

    it('never throws on truncated or corrupted builder output', () => {
      const random = prng(99);
      const sent = arrivals(
        60000,
        Array.from({ length: 40 }, (_, i) => (i % 5 === 4 ? null : 1000 + i * (i % 3 === 0 ? 80 : 2))),
      );
      const good = buildTransportCcFeedback(1, 2, 0, sent);
      for (let n = 0; n < 1000; n++) {
        const bad = Buffer.from(good.subarray(0, Math.floor(random() * (good.length + 1))));
        if (bad.length > 20) bad[20 + Math.floor(random() * (bad.length - 20))] = Math.floor(random() * 256);
        expect(() => parseTransportCcFeedback(bad)).not.toThrow();
        const result = parseTransportCcFeedback(bad);
        if (result) expect(result.packets.length).toBe(good.readUInt16BE(14));
      }
    });
  });
});
