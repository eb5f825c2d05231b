import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PublisherLayer } from '../../src/sfu/publisher-layer.ts';
import { MAX_TRACKED_MISSING, NackTracker } from '../../src/sfu/rtp/nack-tracker.ts';
import { RtpView } from '../../src/sfu/rtp/rtp-view.ts';
import { rtp } from '../helpers/rtp-packet.ts';

/**
 * Hostile sequence numbers against the NACK state (docs/reliability.md): whatever a publisher
 * sends, the tracker holds at most MAX_TRACKED_MISSING entries, and audio holds none.
 */
const hostileSteps = fc.array(
  fc.oneof(
    fc.integer({ min: 1, max: 200 }), // gaps just under the "restart" threshold
    fc.integer({ min: -300, max: 0 }), // duplicates and reordering
    fc.integer({ min: 201, max: 70_000 }), // jumps and wraps
    fc.constant(199),
  ),
  { minLength: 1, maxLength: 3000 },
);

describe('NACK state is bounded', () => {
  it(`never tracks more than ${MAX_TRACKED_MISSING} missing packets, whatever the sequence`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), hostileSteps, (start, steps) => {
        const tracker = new NackTracker();
        let sequence = start;
        let now = 0;
        for (const step of steps) {
          sequence = (sequence + step + 0x10000) & 0xffff;
          now += 1;
          tracker.onPacket(sequence, now);
          if (tracker.missingCount > MAX_TRACKED_MISSING) return false;
          if (now % 50 === 0 && tracker.due(now).length > MAX_TRACKED_MISSING) return false;
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it('the +199-per-packet attack of the issue: 20 000 packets, still bounded, still NACKing the newest', () => {
    const tracker = new NackTracker();
    for (let i = 0; i < 20_000; i++) tracker.onPacket((i * 200) & 0xffff, i);
    expect(tracker.missingCount).toBe(MAX_TRACKED_MISSING);
    expect(tracker.due(20_000).length).toBeLessThanOrEqual(MAX_TRACKED_MISSING);
  });

  it('audio keeps no NACK state at all', () => {
    const audio = new PublisherLayer(0, null, 128, 48000, false);
    audio.reset(1234);
    const view = new RtpView();
    for (let i = 0; i < 1000; i++) {
      const packet = rtp({ sequence: (i * 200) & 0xffff, timestamp: i * 960, ssrc: 1234, payloadType: 111 });
      view.reset(packet);
      audio.onPacket(view, packet, i * 20);
    }
    expect(audio.nacks).toBeNull();
  });
});
