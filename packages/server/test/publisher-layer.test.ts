import { describe, expect, it } from 'vitest';
import { PublisherLayer } from '../src/sfu/publisher-layer.ts';
import { RtpView } from '../src/sfu/rtp/rtp-view.ts';

const SSRC = 0x1a2b3c4d;
/** A wall-clock-like start time (Date.now() in ms), as the publisher passes in production. */
const T0 = 1_700_000_000_000;

/** An RTP packet (RFC 3550 §5.1) of `size` bytes in total: V=2, PT 96, no CSRC/extension. */
function rtp(sequence: number, timestamp: number, size = 100, ssrc = SSRC): Buffer {
  const b = Buffer.alloc(size);
  b[0] = 0x80;
  b[1] = 96;
  b.writeUInt16BE(sequence & 0xffff, 2);
  b.writeUInt32BE(timestamp >>> 0, 4);
  b.writeUInt32BE(ssrc >>> 0, 8);
  for (let i = 12; i < size; i++) b[i] = i & 0xff;
  return b;
}

/** Feeds one packet through a real RtpView, as the publisher does. */
function feed(layer: PublisherLayer, packet: Buffer, now: number): void {
  const view = new RtpView();
  if (!view.reset(packet)) throw new Error('test packet is not valid RTP');
  layer.onPacket(view, packet, now);
}

describe('PublisherLayer', () => {
  it('starts empty', () => {
    const layer = new PublisherLayer(2, 'f', 64, 90000, true);
    expect(layer.index).toBe(2);
    expect(layer.rid).toBe('f');
    expect(layer.ssrc).toBe(0);
    expect(layer.stats).toBeNull();
    expect(layer.width).toBe(0);
    expect(layer.height).toBe(0);
    expect(layer.packetsIn).toBe(0);
    expect(layer.lastPacketAt).toBe(Number.NEGATIVE_INFINITY);
    expect(layer.lastKeyFrameRequestAt).toBe(Number.NEGATIVE_INFINITY);
    expect(layer.bitrate).toBe(0);
    expect(layer.isActive(T0)).toBe(false);
    expect(layer.isActive(0)).toBe(false);
  });

  it('can be the only, rid-less layer', () => {
    const layer = new PublisherLayer(0, null, 64, 90000, true);
    expect(layer.index).toBe(0);
    expect(layer.rid).toBeNull();
  });

  it('needs a power-of-two cache size', () => {
    expect(() => new PublisherLayer(0, 'q', 100, 90000, true)).toThrow();
    expect(() => new PublisherLayer(0, 'q', 128, 90000, true)).not.toThrow();
  });

  describe('reset', () => {
    it('takes the SSRC and starts statistics for it', () => {
      const layer = new PublisherLayer(0, 'q', 64, 90000, true);
      layer.reset(SSRC);
      expect(layer.ssrc).toBe(SSRC);
      expect(layer.stats?.ssrc).toBe(SSRC);
      expect(layer.stats?.packetsReceived).toBe(0);
      expect(layer.stats?.report(T0)).toBeNull();
    });

    it('clears the cache', () => {
      const layer = new PublisherLayer(0, 'q', 64, 90000, true);
      layer.reset(SSRC);
      const packet = rtp(10, 0);
      feed(layer, packet, T0);
      expect(layer.cache.get(10)).toBe(packet);
      layer.reset(SSRC + 1);
      expect(layer.cache.get(10)).toBeUndefined();
    });

    it('restarts the statistics with a new object for the new SSRC', () => {
      const layer = new PublisherLayer(0, 'q', 64, 90000, true);
      layer.reset(SSRC);
      feed(layer, rtp(10, 0), T0);
      feed(layer, rtp(11, 3000), T0 + 33);
      const before = layer.stats;
      expect(before?.packetsReceived).toBe(2);
      layer.reset(0x99999999);
      expect(layer.stats).not.toBe(before);
      expect(layer.ssrc).toBe(0x99999999);
      expect(layer.stats?.ssrc).toBe(0x99999999);
      expect(layer.stats?.packetsReceived).toBe(0);
      feed(layer, rtp(5000, 123, 100, 0x99999999), T0 + 66);
      expect(layer.stats?.report(T0 + 70)).toMatchObject({ ssrc: 0x99999999, extendedHighestSequence: 5000, cumulativeLost: 0 });
    });

    it('uses the clock rate for the jitter', () => {
      // Two packets 100 ms apart by RTP timestamp (9000 at 90 kHz) arriving 200 ms apart: the
      // transit time changes by 100 ms = 9000 units, and jitter moves 1/16 of that.
      const video = new PublisherLayer(0, 'q', 64, 90000, true);
      video.reset(SSRC);
      feed(video, rtp(1, 0), T0);
      feed(video, rtp(2, 9000), T0 + 200);
      expect(video.stats?.report(T0 + 200)?.jitter).toBe(Math.round(9000 / 16));
      const audio = new PublisherLayer(0, null, 64, 48000, false);
      audio.reset(SSRC);
      feed(audio, rtp(1, 0), T0);
      feed(audio, rtp(2, 4800), T0 + 200);
      expect(audio.stats?.report(T0 + 200)?.jitter).toBe(Math.round(4800 / 16));
    });
  });

  describe('onPacket', () => {
    it('counts packets, remembers the last arrival and caches the packet by sequence', () => {
      const layer = new PublisherLayer(1, 'h', 64, 90000, true);
      layer.reset(SSRC);
      const a = rtp(65535, 1000);
      const b = rtp(0, 4000);
      feed(layer, a, T0 + 5);
      expect(layer.packetsIn).toBe(1);
      expect(layer.lastPacketAt).toBe(T0 + 5);
      feed(layer, b, T0 + 40);
      expect(layer.packetsIn).toBe(2);
      expect(layer.lastPacketAt).toBe(T0 + 40);
      expect(layer.cache.get(65535)).toBe(a);
      expect(layer.cache.get(0)).toBe(b);
      expect(layer.cache.get(1)).toBeUndefined();
      expect(layer.stats?.packetsReceived).toBe(2);
      expect(layer.stats?.report(T0 + 40)?.extendedHighestSequence).toBe(0x10000);
    });

    it('works before the first reset (no statistics yet)', () => {
      const layer = new PublisherLayer(0, 'q', 64, 90000, true);
      const packet = rtp(7, 0);
      feed(layer, packet, T0);
      expect(layer.packetsIn).toBe(1);
      expect(layer.lastPacketAt).toBe(T0);
      expect(layer.cache.get(7)).toBe(packet);
      expect(layer.stats).toBeNull();
    });

    it('keeps only the last cacheSize packets', () => {
      const layer = new PublisherLayer(0, 'q', 4, 90000, true);
      layer.reset(SSRC);
      const packets = Array.from({ length: 6 }, (_, i) => rtp(100 + i, i * 3000));
      packets.forEach((p, i) => {
        feed(layer, p, T0 + i);
      });
      expect(layer.cache.get(100)).toBeUndefined();
      expect(layer.cache.get(101)).toBeUndefined();
      for (let i = 2; i < 6; i++) expect(layer.cache.get(100 + i)).toBe(packets[i]);
    });
  });

  describe('isActive', () => {
    it('is true for one second after the last packet', () => {
      const layer = new PublisherLayer(0, 'q', 64, 90000, true);
      layer.reset(SSRC);
      feed(layer, rtp(1, 0), T0);
      expect(layer.isActive(T0)).toBe(true);
      expect(layer.isActive(T0 + 500)).toBe(true);
      expect(layer.isActive(T0 + 999)).toBe(true);
      expect(layer.isActive(T0 + 1000)).toBe(false);
      expect(layer.isActive(T0 + 60_000)).toBe(false);
    });

    it('becomes true again when packets resume', () => {
      const layer = new PublisherLayer(0, 'q', 64, 90000, true);
      layer.reset(SSRC);
      feed(layer, rtp(1, 0), T0);
      expect(layer.isActive(T0 + 5000)).toBe(false);
      feed(layer, rtp(2, 3000), T0 + 5000);
      expect(layer.isActive(T0 + 5000)).toBe(true);
      expect(layer.isActive(T0 + 5999)).toBe(true);
    });
  });

  describe('bitrate', () => {
    /** Packets of `size` bytes every `interval` ms from `start` (inclusive) to `end` (exclusive). */
    function stream(
      layer: PublisherLayer,
      start: number,
      end: number,
      interval: number,
      size: number,
      firstSequence = 0,
    ): number {
      let sequence = firstSequence;
      for (let t = start; t < end; t += interval) feed(layer, rtp(sequence++, t * 90, size), t);
      return sequence;
    }

    it('is 0 until a full window has passed', () => {
      const layer = new PublisherLayer(0, 'q', 64, 90000, true);
      layer.reset(SSRC);
      stream(layer, T0, T0 + 1000, 10, 1000);
      expect(layer.bitrate).toBe(0);
    });

    it('is computed over a one-second window from the packet sizes', () => {
      const layer = new PublisherLayer(0, 'q', 64, 90000, true);
      layer.reset(SSRC);
      // 100 packets of 1000 bytes in one second = 800 kbit/s.
      const next = stream(layer, T0, T0 + 1000, 10, 1000);
      feed(layer, rtp(next, 0, 1000), T0 + 1000);
      expect(layer.bitrate).toBe(800_000);
    });

    it('counts whole RTP packets, header included', () => {
      const layer = new PublisherLayer(0, 'q', 64, 90000, true);
      layer.reset(SSRC);
      // 50 packets of 250 bytes (12 of them header) in one second = 100 kbit/s.
      const next = stream(layer, T0, T0 + 1000, 20, 250);
      feed(layer, rtp(next, 0, 12), T0 + 1000);
      expect(layer.bitrate).toBe(100_000);
    });

    it('keeps the last full window until the next one ends', () => {
      const layer = new PublisherLayer(0, 'q', 64, 90000, true);
      layer.reset(SSRC);
      let next = stream(layer, T0, T0 + 1000, 10, 1000);
      // Second window: half the bytes.
      next = stream(layer, T0 + 1000, T0 + 2000, 10, 500, next);
      expect(layer.bitrate).toBe(800_000);
      next = stream(layer, T0 + 2000, T0 + 2500, 10, 2000, next);
      expect(layer.bitrate).toBe(400_000);
      next = stream(layer, T0 + 2500, T0 + 3000, 10, 2000, next);
      feed(layer, rtp(next, 0, 100), T0 + 3000);
      expect(layer.bitrate).toBe(1_600_000);
    });

    it('divides by the real elapsed time when packets are sparse', () => {
      const layer = new PublisherLayer(0, 'q', 64, 90000, true);
      layer.reset(SSRC);
      feed(layer, rtp(1, 0, 1000), T0);
      feed(layer, rtp(2, 0, 1000), T0 + 700);
      // The window closes at the first packet at least one second after it opened.
      feed(layer, rtp(3, 0, 1000), T0 + 1600);
      expect(layer.bitrate).toBe((2000 * 8000) / 1600);
      expect(layer.bitrate).toBe(10_000);
    });

    it('uses the times passed in, not the wall clock', () => {
      const layer = new PublisherLayer(0, 'q', 64, 90000, true);
      layer.reset(SSRC);
      const start = 5_000_000;
      const next = stream(layer, start, start + 1000, 100, 500);
      feed(layer, rtp(next, 0, 500), start + 1000);
      expect(layer.bitrate).toBe(40_000);
    });
  });

  it('stores the key frame size', () => {
    const layer = new PublisherLayer(2, 'f', 64, 90000, true);
    layer.setSize(1280, 720);
    expect([layer.width, layer.height]).toEqual([1280, 720]);
    layer.setSize(640, 360);
    expect([layer.width, layer.height]).toEqual([640, 360]);
  });
});
