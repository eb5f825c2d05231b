import { describe, expect, it } from 'vitest';
import { ReceiveStats } from '../src/sfu/rtp/receive-stats.ts';

const VIDEO_RATE = 90000;
const AUDIO_RATE = 48000;
/** A realistic wall clock (Date.now()-sized), as the publisher passes. */
const T0 = 1_700_000_000_000;

/** Feeds packets with perfectly regular arrival: `stepTicks` per packet, `stepMs` apart. */
function feed(
  stats: ReceiveStats,
  sequences: number[],
  opts: { ts0?: number; stepTicks?: number; stepMs?: number; t0?: number } = {},
) {
  const { ts0 = 1000, stepTicks = 960, stepMs = 20, t0 = T0 } = opts;
  for (const [i, seq] of sequences.entries()) stats.onPacket(seq, (ts0 + i * stepTicks) >>> 0, t0 + i * stepMs);
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (from + i) & 0xffff);
}

describe('ReceiveStats: loss accounting', () => {
  it('reports nothing before the first packet', () => {
    const stats = new ReceiveStats(1, VIDEO_RATE);
    expect(stats.report(T0)).toBeNull();
    expect(stats.packetsReceived).toBe(0);
    expect(stats.lost).toBe(0);
  });

  it('reports no loss for a complete run', () => {
    const stats = new ReceiveStats(0xabcdef01, AUDIO_RATE);
    feed(stats, range(100, 10));
    expect(stats.packetsReceived).toBe(10);
    expect(stats.report(T0 + 1000)).toEqual({
      ssrc: 0xabcdef01,
      fractionLost: 0,
      cumulativeLost: 0,
      extendedHighestSequence: 109,
      jitter: 0,
      lastSr: 0,
      delaySinceLastSr: 0,
    });
  });

  it('counts lost packets and the fraction lost (x/256)', () => {
    const stats = new ReceiveStats(1, AUDIO_RATE);
    feed(stats, [0, 1, 2, 4, 5, 6, 8, 9]); // 3 and 7 lost
    const report = stats.report(T0 + 1000);
    expect(report?.cumulativeLost).toBe(2);
    expect(stats.lost).toBe(2);
    expect(report?.fractionLost).toBe(Math.floor((2 * 256) / 10)); // 51
    expect(report?.extendedHighestSequence).toBe(9);
  });

  it('computes the fraction lost per interval while the cumulative loss carries over', () => {
    const stats = new ReceiveStats(1, AUDIO_RATE);
    feed(stats, [0, 1, 3]); // 1 of 4 lost
    expect(stats.report(T0)).toMatchObject({ fractionLost: 64, cumulativeLost: 1 });
    feed(stats, range(4, 6)); // 4..9, no loss in this interval
    expect(stats.report(T0)).toMatchObject({ fractionLost: 0, cumulativeLost: 1, extendedHighestSequence: 9 });
    feed(stats, [10, 12, 14, 16]); // 4 of 7 expected received
    expect(stats.report(T0)).toMatchObject({
      fractionLost: Math.floor((3 * 256) / 7),
      cumulativeLost: 4,
      extendedHighestSequence: 16,
    });
  });

  it('reports a fraction of 0 for an interval without packets', () => {
    const stats = new ReceiveStats(1, AUDIO_RATE);
    feed(stats, [0, 2]);
    expect(stats.report(T0)?.fractionLost).toBe(Math.floor(256 / 3)); // 1 of 3 lost
    expect(stats.report(T0)).toMatchObject({ fractionLost: 0, cumulativeLost: 1 });
  });

  it('caps the fraction lost at 255 when nearly everything is lost', () => {
    const stats = new ReceiveStats(1, AUDIO_RATE);
    feed(stats, [0]);
    stats.report(T0);
    feed(stats, [1000]); // 1 of 1000 expected received
    const report = stats.report(T0);
    expect(report?.fractionLost).toBe(Math.floor((999 * 256) / 1000));
    expect(report?.fractionLost).toBeLessThanOrEqual(255);
    expect(report?.cumulativeLost).toBe(999);
  });

  it('does not report negative fraction lost for duplicates', () => {
    const stats = new ReceiveStats(1, AUDIO_RATE);
    feed(stats, [0, 1, 1, 2, 2]);
    const report = stats.report(T0);
    expect(report?.fractionLost).toBe(0);
    expect(report?.cumulativeLost).toBe(-2);
    expect(stats.packetsReceived).toBe(5);
  });

  it('tolerates reordering: a late packet is not a loss and does not move the highest sequence back', () => {
    const stats = new ReceiveStats(1, AUDIO_RATE);
    feed(stats, [0, 1, 3, 2, 4]);
    expect(stats.report(T0)).toMatchObject({ fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 4 });
  });

  it('counts sequence wrap-around as a cycle in the extended highest sequence', () => {
    const stats = new ReceiveStats(1, VIDEO_RATE);
    feed(stats, range(65530, 12)); // 65530..65535, 0..5
    expect(stats.report(T0)).toEqual(
      expect.objectContaining({ extendedHighestSequence: 0x10000 + 5, cumulativeLost: 0, fractionLost: 0 }),
    );
  });

  it('counts loss across the wrap', () => {
    const stats = new ReceiveStats(1, VIDEO_RATE);
    feed(stats, [65534, 65535, 2, 3]); // 0 and 1 lost
    expect(stats.report(T0)).toMatchObject({
      extendedHighestSequence: 0x10003,
      cumulativeLost: 2,
      fractionLost: Math.floor((2 * 256) / 6),
    });
  });

  it('handles a packet from before the wrap arriving after it', () => {
    const stats = new ReceiveStats(1, VIDEO_RATE);
    feed(stats, [65534, 0, 65535, 1]);
    expect(stats.report(T0)).toMatchObject({ extendedHighestSequence: 0x10001, cumulativeLost: 0 });
  });

  it('counts several cycles', () => {
    const stats = new ReceiveStats(1, VIDEO_RATE);
    const sequences = range(60000, 3 * 65536);
    feed(stats, sequences);
    const report = stats.report(T0);
    expect(report?.extendedHighestSequence).toBe(60000 + 3 * 65536 - 1);
    expect(report?.cumulativeLost).toBe(0);
  });
});

describe('ReceiveStats: interarrival jitter (RFC 3550 A.8)', () => {
  it('stays 0 for perfectly regular arrival', () => {
    const stats = new ReceiveStats(1, VIDEO_RATE);
    feed(stats, range(0, 100), { stepTicks: 3000, stepMs: 1000 / 30 });
    expect(stats.report(T0)?.jitter).toBe(0);
  });

  it('is 1/16 of the first transit difference after two packets', () => {
    const stats = new ReceiveStats(1, AUDIO_RATE);
    stats.onPacket(0, 0, T0);
    stats.onPacket(1, 960, T0 + 30); // 10 ms late = 480 ticks at 48 kHz
    expect(stats.report(T0)?.jitter).toBe(30);
    stats.onPacket(2, 1920, T0 + 40); // on time again: |D| = 480
    // 30 + (480 - 30) / 16 = 58.125
    expect(stats.report(T0)?.jitter).toBe(58);
  });

  it('grows with irregular arrival and converges towards the mean deviation', () => {
    const stats = new ReceiveStats(1, AUDIO_RATE);
    let last = 0;
    for (let i = 0; i < 400; i++) {
      // Packets every 20 ms of media time, arriving alternately 10 ms early and on time.
      stats.onPacket(i, i * 960, T0 + i * 20 + (i % 2 === 0 ? 0 : 10));
      const jitter = stats.report(T0)?.jitter ?? -1;
      expect(jitter).toBeGreaterThanOrEqual(last);
      last = jitter;
    }
    expect(last).toBeGreaterThan(470);
    expect(last).toBeLessThanOrEqual(480);
  });

  it('is in units of the clock rate', () => {
    const audio = new ReceiveStats(1, AUDIO_RATE);
    const video = new ReceiveStats(2, VIDEO_RATE);
    for (let i = 0; i < 200; i++) {
      const late = i % 2 === 0 ? 0 : 10;
      audio.onPacket(i, i * 960, T0 + i * 20 + late);
      video.onPacket(i, i * 1800, T0 + i * 20 + late);
    }
    const a = audio.report(T0)?.jitter ?? 0;
    const v = video.report(T0)?.jitter ?? 0;
    expect(a).toBeGreaterThan(400);
    expect(v / a).toBeCloseTo(VIDEO_RATE / AUDIO_RATE, 2);
  });

  it('is not disturbed by a constant network delay', () => {
    const stats = new ReceiveStats(1, AUDIO_RATE);
    feed(stats, range(0, 50), { t0: T0 + 250 });
    expect(stats.report(T0)?.jitter).toBe(0);
  });

  // BUG: the transit time is computed with unbounded doubles, but RTP timestamps wrap at 2^32
  // (after ~13 h at 90 kHz, and at any moment given a random start). RFC 3550 A.8 relies on
  // modulo-2^32 arithmetic; here the wrap looks like a 2^32-tick transit jump and the jitter
  // reported to the publisher jumps to ~2^28.
  it('is not disturbed by the RTP timestamp wrapping at 2^32', () => {
    const stats = new ReceiveStats(1, VIDEO_RATE);
    feed(stats, range(0, 20), { ts0: 0xffffffff - 10 * 3000, stepTicks: 3000, stepMs: 1000 / 30 });
    expect(stats.report(T0)?.jitter).toBe(0);
  });
});

describe('ReceiveStats: LSR and DLSR', () => {
  it('reports LSR as the middle 32 bits of the NTP time and DLSR in 1/65536 s', () => {
    const stats = new ReceiveStats(1, VIDEO_RATE);
    feed(stats, [0]);
    stats.onSenderReport(0x12345678, 0x9abcdef0, T0 + 1000);
    const report = stats.report(T0 + 1500);
    expect(report?.lastSr).toBe(0x56789abc);
    expect(report?.delaySinceLastSr).toBe(32768);
  });

  it('gives an unsigned LSR when bit 15 of the NTP seconds is set', () => {
    const stats = new ReceiveStats(1, VIDEO_RATE);
    feed(stats, [0]);
    stats.onSenderReport(0xe1238001, 0xffff0000, T0);
    expect(stats.report(T0)?.lastSr).toBe(0x8001ffff);
  });

  it('rounds DLSR and uses the latest SR', () => {
    const stats = new ReceiveStats(1, VIDEO_RATE);
    feed(stats, [0]);
    stats.onSenderReport(1, 0, T0);
    stats.onSenderReport(2, 0x80000000, T0 + 2000);
    const report = stats.report(T0 + 2001);
    expect(report?.lastSr).toBe(0x00028000);
    expect(report?.delaySinceLastSr).toBe(Math.round(65536 / 1000)); // 66
  });

  it('reports zero LSR and DLSR before any SR', () => {
    const stats = new ReceiveStats(1, VIDEO_RATE);
    feed(stats, [0]);
    expect(stats.report(T0 + 5000)).toMatchObject({ lastSr: 0, delaySinceLastSr: 0 });
  });

  it('keeps LSR over several reports, with a growing DLSR', () => {
    const stats = new ReceiveStats(1, VIDEO_RATE);
    feed(stats, [0]);
    stats.onSenderReport(0x00010002, 0x00030000, T0);
    expect(stats.report(T0 + 1000)).toMatchObject({ lastSr: 0x00020003, delaySinceLastSr: 65536 });
    expect(stats.report(T0 + 3000)).toMatchObject({ lastSr: 0x00020003, delaySinceLastSr: 3 * 65536 });
  });
});
