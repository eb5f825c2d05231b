import { describe, expect, it } from 'vitest';
import { FEEDBACK_INTERVAL_MS, TransportFeedbackGenerator } from '../src/sfu/bwe/transport-feedback-generator.ts';
import type { PacketArrival, TransportCcFeedback } from '../src/sfu/rtp/transport-cc.ts';
import { parseTransportCcFeedback } from '../src/sfu/rtp/transport-cc.ts';

const SENDER_SSRC = 0x5f5f0001;
const MEDIA_SSRC = 0x0badf00d;

function parseAll(packets: Buffer[]): TransportCcFeedback[] {
  return packets.map((p) => {
    const parsed = parseTransportCcFeedback(p);
    if (!parsed) throw new Error('the generator wrote a feedback that does not parse');
    return parsed;
  });
}

function flushOne(generator: TransportFeedbackGenerator): TransportCcFeedback {
  const out = generator.flush(MEDIA_SSRC);
  expect(out).toHaveLength(1);
  return parseAll(out)[0] as TransportCcFeedback;
}

function received(packets: PacketArrival[]): number[] {
  return packets.filter((p) => p.arrivalMs !== null).map((p) => p.sequence);
}

describe('TransportFeedbackGenerator', () => {
  it('sends feedback every 50 ms', () => {
    expect(FEEDBACK_INTERVAL_MS).toBe(50);
  });

  it('has nothing to send before the first packet', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    expect(generator.flush(MEDIA_SSRC)).toEqual([]);
    expect(generator.flush(MEDIA_SSRC)).toEqual([]);
  });

  it('reports base..highest in one feedback, with missing packets as not received', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    generator.onPacket(100, 1000);
    generator.onPacket(101, 1001.5);
    generator.onPacket(103, 1010);
    generator.onPacket(106, 1020.25);
    const out = generator.flush(MEDIA_SSRC);
    expect(out).toHaveLength(1);
    const packet = out[0] as Buffer;
    expect(packet.readUInt32BE(4)).toBe(SENDER_SSRC);
    expect(parseTransportCcFeedback(packet)).toEqual({
      mediaSsrc: MEDIA_SSRC,
      baseSequence: 100,
      feedbackCount: 0,
      packets: [
        { sequence: 100, arrivalMs: 1000 },
        { sequence: 101, arrivalMs: 1001.5 },
        { sequence: 102, arrivalMs: null },
        { sequence: 103, arrivalMs: 1010 },
        { sequence: 104, arrivalMs: null },
        { sequence: 105, arrivalMs: null },
        { sequence: 106, arrivalMs: 1020.25 },
      ],
    });
  });

  it('reports a single packet', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    generator.onPacket(7, 640);
    expect(flushOne(generator).packets).toEqual([{ sequence: 7, arrivalMs: 640 }]);
  });

  it('keeps arrival times to the quarter millisecond', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    const times = [12_345.678, 12_346.9, 12_350.01, 12_349.3, 12_420.123];
    times.forEach((t, i) => {
      generator.onPacket(i, t);
    });
    const { packets } = flushOne(generator);
    packets.forEach((p, i) => {
      expect(Math.abs((p.arrivalMs as number) - (times[i] as number))).toBeLessThanOrEqual(0.125);
    });
  });

  it('records packets that arrive out of order within a feedback interval', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    generator.onPacket(10, 100);
    generator.onPacket(12, 101);
    generator.onPacket(11, 102);
    expect(flushOne(generator).packets).toEqual([
      { sequence: 10, arrivalMs: 100 },
      { sequence: 11, arrivalMs: 102 },
      { sequence: 12, arrivalMs: 101 },
    ]);
  });

  it('keeps the first arrival of a duplicated packet', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    generator.onPacket(10, 100);
    generator.onPacket(11, 105);
    generator.onPacket(11, 150);
    expect(flushOne(generator).packets).toEqual([
      { sequence: 10, arrivalMs: 100 },
      { sequence: 11, arrivalMs: 105 },
    ]);
  });

  it('starts the next feedback after the previous highest, with the next feedback count', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    generator.onPacket(100, 1000);
    generator.onPacket(101, 1001);
    const first = flushOne(generator);
    expect(first.feedbackCount).toBe(0);
    expect(generator.flush(MEDIA_SSRC)).toEqual([]);
    generator.onPacket(102, 1050);
    generator.onPacket(104, 1060);
    const second = flushOne(generator);
    expect(second.baseSequence).toBe(102);
    expect(second.feedbackCount).toBe(1);
    expect(second.packets).toEqual([
      { sequence: 102, arrivalMs: 1050 },
      { sequence: 103, arrivalMs: null },
      { sequence: 104, arrivalMs: 1060 },
    ]);
  });

  it('reports packets lost at the start of an interval from the previous highest on', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    generator.onPacket(100, 1000);
    flushOne(generator);
    generator.onPacket(103, 1050);
    const next = flushOne(generator);
    expect(next.baseSequence).toBe(101);
    expect(next.packets).toEqual([
      { sequence: 101, arrivalMs: null },
      { sequence: 102, arrivalMs: null },
      { sequence: 103, arrivalMs: 1050 },
    ]);
  });

  it('ignores packets that arrive after they were reported (late packets below the base)', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    generator.onPacket(100, 1000);
    generator.onPacket(102, 1001);
    flushOne(generator);
    generator.onPacket(101, 1020); // reported lost already
    generator.onPacket(100, 1021); // a duplicate of a reported packet
    expect(generator.flush(MEDIA_SSRC)).toEqual([]);
    generator.onPacket(103, 1030);
    generator.onPacket(101, 1031);
    const next = flushOne(generator);
    expect(next.baseSequence).toBe(103);
    expect(next.packets).toEqual([{ sequence: 103, arrivalMs: 1030 }]);
  });

  it('ignores packets older than the very first one', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    generator.onPacket(500, 10);
    generator.onPacket(499, 11);
    generator.onPacket(501, 12);
    const feedback = flushOne(generator);
    expect(feedback.baseSequence).toBe(500);
    expect(received(feedback.packets)).toEqual([500, 501]);
  });

  it('follows the sequence number across 65535 → 0 in one feedback', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    generator.onPacket(65533, 1);
    generator.onPacket(65535, 2);
    generator.onPacket(0, 3);
    generator.onPacket(2, 4);
    const feedback = flushOne(generator);
    expect(feedback.baseSequence).toBe(65533);
    expect(feedback.packets).toEqual([
      { sequence: 65533, arrivalMs: 1 },
      { sequence: 65534, arrivalMs: null },
      { sequence: 65535, arrivalMs: 2 },
      { sequence: 0, arrivalMs: 3 },
      { sequence: 1, arrivalMs: null },
      { sequence: 2, arrivalMs: 4 },
    ]);
  });

  it('follows the sequence number across 65535 → 0 between feedbacks', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    generator.onPacket(65534, 64);
    generator.onPacket(65535, 65);
    expect(flushOne(generator).packets).toHaveLength(2);
    generator.onPacket(0, 66);
    generator.onPacket(1, 67);
    const next = flushOne(generator);
    expect(next.baseSequence).toBe(0);
    expect(next.packets).toEqual([
      { sequence: 0, arrivalMs: 66 },
      { sequence: 1, arrivalMs: 67 },
    ]);
    // A late packet from before the wrap is not reported again.
    generator.onPacket(65535, 68);
    expect(generator.flush(MEDIA_SSRC)).toEqual([]);
    generator.onPacket(2, 69);
    expect(flushOne(generator).packets).toEqual([{ sequence: 2, arrivalMs: 69 }]);
  });

  it('handles a reordered packet from before the wrap arriving after it', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    generator.onPacket(65534, 10);
    generator.onPacket(0, 11);
    generator.onPacket(65535, 12);
    expect(flushOne(generator).packets).toEqual([
      { sequence: 65534, arrivalMs: 10 },
      { sequence: 65535, arrivalMs: 12 },
      { sequence: 0, arrivalMs: 11 },
    ]);
  });

  it('keeps working over several wraps', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    let count = 0;
    for (let n = 0; n < 3 * 65536; n += 100) {
      for (let k = 0; k < 100; k++) generator.onPacket((n + k) & 0xffff, n + k);
      const feedback = flushOne(generator);
      expect(feedback.baseSequence).toBe(n & 0xffff);
      expect(feedback.feedbackCount).toBe(count++ & 0xff);
      expect(feedback.packets).toHaveLength(100);
      expect(feedback.packets.every((p) => p.arrivalMs !== null)).toBe(true);
    }
  });

  it('splits more than 400 packets into several feedbacks with increasing counts', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    for (let s = 0; s < 1000; s++) if (s % 10 !== 5) generator.onPacket((65000 + s) & 0xffff, 5000 + s);
    const out = parseAll(generator.flush(MEDIA_SSRC));
    expect(out.map((f) => f.packets.length)).toEqual([400, 400, 200]);
    expect(out.map((f) => f.feedbackCount)).toEqual([0, 1, 2]);
    // 65800 wraps to 264.
    expect(out.map((f) => f.baseSequence)).toEqual([65000, 65400, 264]);
    const all = out.flatMap((f) => f.packets);
    expect(all).toHaveLength(1000);
    all.forEach((p, s) => {
      expect(p.sequence).toBe((65000 + s) & 0xffff);
      expect(p.arrivalMs).toBe(s % 10 === 5 ? null : 5000 + s);
    });
    expect(generator.flush(MEDIA_SSRC)).toEqual([]);
    generator.onPacket((65000 + 1000) & 0xffff, 7000);
    expect(flushOne(generator).feedbackCount).toBe(3);
  });

  it('puts exactly 400 packets in one feedback and 401 in two', () => {
    const exact = new TransportFeedbackGenerator(SENDER_SSRC);
    for (let s = 0; s < 400; s++) exact.onPacket(s, s);
    expect(exact.flush(MEDIA_SSRC)).toHaveLength(1);
    const over = new TransportFeedbackGenerator(SENDER_SSRC);
    for (let s = 0; s < 401; s++) over.onPacket(s, s);
    const out = parseAll(over.flush(MEDIA_SSRC));
    expect(out.map((f) => [f.baseSequence, f.packets.length])).toEqual([
      [0, 400],
      [400, 1],
    ]);
  });

  it('writes the media SSRC it is given for each flush', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    generator.onPacket(1, 1);
    expect(parseAll(generator.flush(0xffffffff))[0]?.mediaSsrc).toBe(0xffffffff);
    generator.onPacket(2, 2);
    expect(parseAll(generator.flush(42))[0]?.mediaSsrc).toBe(42);
  });

  it('wraps the feedback count after 256 feedbacks', () => {
    const generator = new TransportFeedbackGenerator(SENDER_SSRC);
    const counts: number[] = [];
    for (let s = 0; s < 258; s++) {
      generator.onPacket(s, s * 50);
      counts.push(flushOne(generator).feedbackCount);
    }
    expect(counts.slice(0, 3)).toEqual([0, 1, 2]);
    expect(counts.slice(254)).toEqual([254, 255, 0, 1]);
  });
});
