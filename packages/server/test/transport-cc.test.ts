import { describe, expect, it } from 'vitest';
import { RTCP_RTPFB } from '../src/sfu/rtp/rtcp.ts';
import type { PacketArrival } from '../src/sfu/rtp/transport-cc.ts';
import { buildTransportCcFeedback, parseTransportCcFeedback, TRANSPORT_CC_FMT } from '../src/sfu/rtp/transport-cc.ts';

/** Big-endian byte writers, so fixtures do not depend on the code under test. */
function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}
function u24(n: number): number[] {
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}
function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
function i16(n: number): number[] {
  return u16(n & 0xffff);
}

interface FeedbackFields {
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
function feedbackBytes(f: FeedbackFields): Buffer {
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
function twoBitChunk(symbols: number[]): number {
  let chunk = 0xc000;
  symbols.forEach((s, i) => {
    chunk |= s << (12 - 2 * i);
  });
  return chunk;
}

/** One-bit status vector chunk (T=1, S=0) from up to fourteen 1-bit symbols. */
function oneBitChunk(symbols: number[]): number {
  let chunk = 0x8000;
  symbols.forEach((s, i) => {
    chunk |= s << (13 - i);
  });
  return chunk;
}

/** Run-length chunk (T=0): 2-bit symbol, 13-bit run length. */
function runChunk(symbol: number, run: number): number {
  return (symbol << 13) | run;
}

function arrivals(base: number, times: Array<number | null>): PacketArrival[] {
  return times.map((arrivalMs, i) => ({ sequence: (base + i) & 0xffff, arrivalMs }));
}

/** Asserts a parsed feedback matches what was built, to the 0.25 ms resolution of the format. */
function expectArrivalsClose(parsed: PacketArrival[], sent: PacketArrival[]): void {
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
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('buildTransportCcFeedback', () => {
  it('writes the exact bytes of a small feedback', () => {
    // Reference time floor(1000 / 64) = 15 → 960 ms. Deltas: 40 ms = 160 ticks, 1 ms = 4, lost, 9 ms = 36.
    const packet = buildTransportCcFeedback(0x01020304, 0xaabbccdd, 7, arrivals(100, [1000, 1001, null, 1010]));
    expect([...packet]).toEqual([
      0xaf, // V=2, P=1, FMT=15
      205,
      ...u16(6), // 28 bytes
      ...u32(0x01020304),
      ...u32(0xaabbccdd),
      ...u16(100),
      ...u16(4),
      ...u24(15),
      7,
      ...u16(0xc000 | (1 << 12) | (1 << 10) | (0 << 8) | (1 << 6)),
      160,
      4,
      36,
      0,
      0,
      3, // padding: 25 → 28 bytes, the last byte counts the padding
    ]);
  });

  it('writes the common header: V=2, FMT=15, PT=205 and the length in words minus one', () => {
    for (let n = 0; n < 30; n++) {
      const times = Array.from({ length: n }, (_, i) => (i % 3 === 2 ? null : 5000 + i * 3));
      const packet = buildTransportCcFeedback(1, 2, 0, arrivals(10, times));
      expect((packet[0] as number) >> 6).toBe(2);
      expect((packet[0] as number) & 0x1f).toBe(TRANSPORT_CC_FMT);
      expect(TRANSPORT_CC_FMT).toBe(15);
      expect(packet[1]).toBe(RTCP_RTPFB);
      expect(packet[1]).toBe(205);
      expect(packet.length % 4).toBe(0);
      expect(packet.readUInt16BE(2)).toBe(packet.length / 4 - 1);
      expect(packet.readUInt16BE(14)).toBe(n);
    }
  });

  it('pads to 32 bits with the P bit and the padding length in the last byte', () => {
    // 20 header bytes + chunks (2 each) + small deltas (1 each).
    const cases: Array<[number, number]> = [
      // [received packets, expected padding]
      [1, 1], // 20 + 2 + 1 = 23
      [2, 0], // 20 + 2 + 2 = 24
      [3, 3], // 25
      [4, 2], // 26
      [7, 3], // 20 + 2 + 7 = 29
      [8, 0], // 20 + 4 + 8 = 32
    ];
    for (const [n, padding] of cases) {
      const packet = buildTransportCcFeedback(
        1,
        2,
        0,
        arrivals(
          0,
          Array.from({ length: n }, (_, i) => 640 + i),
        ),
      );
      expect(packet.length).toBe(20 + Math.ceil(n / 7) * 2 + n + padding);
      expect(((packet[0] as number) & 0x20) !== 0).toBe(padding > 0);
      if (padding) {
        expect(packet[packet.length - 1]).toBe(padding);
        for (let i = packet.length - padding; i < packet.length - 1; i++) expect(packet[i]).toBe(0);
      }
    }
  });

  it('writes sender and media SSRCs as unsigned 32-bit', () => {
    const packet = buildTransportCcFeedback(0xffffffff, -1, 0, arrivals(0, [0]));
    expect(packet.readUInt32BE(4)).toBe(0xffffffff);
    expect(packet.readUInt32BE(8)).toBe(0xffffffff);
  });

  it('writes the feedback count modulo 256', () => {
    expect(buildTransportCcFeedback(1, 2, 0, arrivals(0, [0]))[19]).toBe(0);
    expect(buildTransportCcFeedback(1, 2, 255, arrivals(0, [0]))[19]).toBe(255);
    expect(buildTransportCcFeedback(1, 2, 256, arrivals(0, [0]))[19]).toBe(0);
    expect(buildTransportCcFeedback(1, 2, 300, arrivals(0, [0]))[19]).toBe(44);
  });

  it('uses two-bit status vector chunks of seven packets', () => {
    const times = Array.from({ length: 15 }, (_, i) => (i === 3 || i === 9 ? null : 64 + i));
    const packet = buildTransportCcFeedback(1, 2, 0, arrivals(0, times));
    const statuses = times.map((t) => (t === null ? 0 : 1));
    expect(packet.readUInt16BE(20)).toBe(twoBitChunk(statuses.slice(0, 7)));
    expect(packet.readUInt16BE(22)).toBe(twoBitChunk(statuses.slice(7, 14)));
    // The last chunk's unused symbols are 0 (not received).
    expect(packet.readUInt16BE(24)).toBe(twoBitChunk(statuses.slice(14)));
  });

  it('encodes deltas up to 63.75 ms in one byte and larger ones in two', () => {
    // Reference 64 ms; first delta 0; then exactly 255 ticks, then 256 ticks.
    const packet = buildTransportCcFeedback(1, 2, 0, arrivals(0, [64, 64 + 63.75, 64 + 63.75 + 64]));
    expect(packet.readUInt16BE(20)).toBe(twoBitChunk([1, 1, 2]));
    expect([...packet.subarray(22, 26)]).toEqual([0, 255, ...i16(256)]);
  });

  it('encodes a negative delta (reordering) as a signed two-byte delta', () => {
    const packet = buildTransportCcFeedback(1, 2, 0, arrivals(0, [128 + 10, 128 + 7.5]));
    expect(packet.readUInt16BE(20)).toBe(twoBitChunk([1, 2]));
    expect(packet[22]).toBe(40);
    expect(packet.readInt16BE(23)).toBe(-10);
  });

  it('anchors the reference time at the first received packet', () => {
    const packet = buildTransportCcFeedback(1, 2, 0, arrivals(0, [null, null, 1000.5]));
    expect(packet.readIntBE(16, 3)).toBe(15);
    expect(packet.readUInt16BE(20)).toBe(twoBitChunk([0, 0, 1]));
    expect(packet[22]).toBe((1000.5 - 960) * 4);
  });

  it('writes an all-lost feedback without deltas', () => {
    const packet = buildTransportCcFeedback(1, 2, 0, arrivals(500, [null, null, null]));
    expect(packet.length).toBe(24);
    expect(packet.readUInt16BE(12)).toBe(500);
    expect(packet.readUInt16BE(14)).toBe(3);
    expect(packet.readIntBE(16, 3)).toBe(0);
    expect(packet.readUInt16BE(20)).toBe(twoBitChunk([0, 0, 0]));
    expect(parseTransportCcFeedback(packet)?.packets).toEqual(arrivals(500, [null, null, null]));
  });

  it('writes an empty feedback as a bare 20-byte header', () => {
    const packet = buildTransportCcFeedback(1, 2, 3, []);
    expect(packet.length).toBe(20);
    expect(packet.readUInt16BE(2)).toBe(4);
    expect(packet.readUInt16BE(14)).toBe(0);
    expect(parseTransportCcFeedback(packet)).toEqual({ mediaSsrc: 2, baseSequence: 0, feedbackCount: 3, packets: [] });
  });

  it('writes a negative reference time as signed 24-bit', () => {
    // floor(-1000 / 64) = -16 → 0xfffff0.
    const packet = buildTransportCcFeedback(1, 2, 0, arrivals(0, [-1000]));
    expect([...packet.subarray(16, 19)]).toEqual([0xff, 0xff, 0xf0]);
    expect(parseTransportCcFeedback(packet)?.packets).toEqual([{ sequence: 0, arrivalMs: -1000 }]);
  });

  it('wraps a reference time beyond 24 bits', () => {
    // 2^23 ticks does not fit a signed 24-bit field: it wraps to -2^23.
    const base = 2 ** 23 * 64;
    const packet = buildTransportCcFeedback(1, 2, 0, arrivals(0, [base + 10, base + 20]));
    expect([...packet.subarray(16, 19)]).toEqual([0x80, 0x00, 0x00]);
    const parsed = parseTransportCcFeedback(packet);
    expect(parsed?.packets.map((p) => p.arrivalMs)).toEqual([base + 10 - 2 ** 24 * 64, base + 20 - 2 ** 24 * 64]);
  });

  it('keeps the low 24 bits of a wall-clock (Date.now()-sized) reference time', () => {
    const now = 1_700_000_000_123;
    const packet = buildTransportCcFeedback(1, 2, 0, arrivals(0, [now]));
    expect(packet.readUIntBE(16, 3)).toBe(Math.floor(now / 64) % 2 ** 24);
  });
});

describe('transport-cc round trip', () => {
  it('preserves sequence numbers, losses and arrival times', () => {
    const sent = arrivals(1234, [10_000, 10_003.3, null, 10_003.3, 10_010.9, null, null, 10_011, 10_011.1, 10_040]);
    const parsed = parseTransportCcFeedback(buildTransportCcFeedback(5, 0x55667788, 42, sent));
    expect(parsed).not.toBeNull();
    expect(parsed?.mediaSsrc).toBe(0x55667788);
    expect(parsed?.baseSequence).toBe(1234);
    expect(parsed?.feedbackCount).toBe(42);
    expectArrivalsClose(parsed?.packets ?? [], sent);
  });

  it('reproduces times that are multiples of 0.25 ms exactly', () => {
    const sent = arrivals(0, [6400, 6400.25, 6401, 6500.75, 6499.5, null, 6600]);
    expect(parseTransportCcFeedback(buildTransportCcFeedback(1, 2, 0, sent))?.packets).toEqual(sent);
  });

  it('does not accumulate rounding error over many packets', () => {
    // Every packet is 0.1 ms after the last: each delta rounds, the running time must not drift.
    const sent = arrivals(
      0,
      Array.from({ length: 300 }, (_, i) => 1000 + i * 0.1),
    );
    const parsed = parseTransportCcFeedback(buildTransportCcFeedback(1, 2, 0, sent));
    expectArrivalsClose(parsed?.packets ?? [], sent);
  });

  it('carries deltas larger than 63.75 ms', () => {
    const sent = arrivals(7, [2000, 2100, 2100.25, 5000, 5063.75, 5127.75]);
    const packet = buildTransportCcFeedback(1, 2, 0, sent);
    expect(parseTransportCcFeedback(packet)?.packets).toEqual(sent);
  });

  it('carries negative deltas (packets that arrived out of order)', () => {
    const sent = arrivals(7, [2000, 1990, 2005, 1500.5, 1500.25, 2500]);
    expect(parseTransportCcFeedback(buildTransportCcFeedback(1, 2, 0, sent))?.packets).toEqual(sent);
  });

  it('clamps a delta beyond the 16-bit range and measures the next one from the clamped time', () => {
    const sent = arrivals(0, [1024, 1024 + 10_000, 1024 + 10_000.5]);
    const parsed = parseTransportCcFeedback(buildTransportCcFeedback(1, 2, 0, sent))?.packets;
    expect(parsed?.[0]?.arrivalMs).toBe(1024);
    // 32767 ticks = 8191.75 ms: the most one delta can say.
    expect(parsed?.[1]?.arrivalMs).toBe(1024 + 8191.75);
    expect(parsed?.[2]?.arrivalMs).toBe(1024 + 10_000.5);
  });

  it('wraps sequence numbers from 65535 to 0', () => {
    const sent = arrivals(65533, [100, 101, null, 103, 104]);
    expect(sent.map((p) => p.sequence)).toEqual([65533, 65534, 65535, 0, 1]);
    const parsed = parseTransportCcFeedback(buildTransportCcFeedback(1, 2, 0, sent));
    expect(parsed?.baseSequence).toBe(65533);
    expect(parsed?.packets).toEqual(sent);
  });

  it('round-trips a full 400-packet feedback with random losses and jitter', () => {
    const random = prng(7);
    let t = 50_000;
    const times = Array.from({ length: 400 }, () => {
      t += random() * 20;
      if (random() < 0.1) return null;
      return t + (random() < 0.05 ? -random() * 30 : 0);
    });
    const sent = arrivals(65400, times);
    const parsed = parseTransportCcFeedback(buildTransportCcFeedback(9, 10, 200, sent));
    expect(parsed?.feedbackCount).toBe(200);
    expectArrivalsClose(parsed?.packets ?? [], sent);
  });
});

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
