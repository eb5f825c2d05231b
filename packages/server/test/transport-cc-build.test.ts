import { describe, expect, it } from 'vitest';
import { RTCP_RTPFB } from '../src/sfu/rtp/rtcp.ts';
import { buildTransportCcFeedback, parseTransportCcFeedback, TRANSPORT_CC_FMT } from '../src/sfu/rtp/transport-cc.ts';
import { arrivals, expectArrivalsClose, i16, prng, twoBitChunk, u16, u24, u32 } from './helpers/transport-cc-fixtures.ts';

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
