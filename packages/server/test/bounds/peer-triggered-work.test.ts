import { describe, expect, it } from 'vitest';
import { DownlinkEstimate, FEEDBACK_CREDIT_LIMIT } from '../../src/sfu/bwe/downlink-estimate.ts';
import { KeyFrameThrottle } from '../../src/sfu/key-frame-throttle.ts';
import { Publisher } from '../../src/sfu/publisher.ts';
import { RETRANSMIT_BURST_BYTES, RETRANSMIT_BYTES_PER_SECOND, RetransmitBudget } from '../../src/sfu/retransmit-budget.ts';
import { buildNack, MAX_NACKED_PER_PACKET, parseRtcp } from '../../src/sfu/rtp/rtcp.ts';
import { MAX_FEEDBACK_PACKETS, parseTransportCcFeedback } from '../../src/sfu/rtp/transport-cc.ts';
import { MAX_SIMULCAST_LAYERS, preparePublishOffer, SdpError } from '../../src/sfu/sdp/publish-offer.ts';
import { Slot } from '../../src/sfu/slot.ts';
import { asTrack, FakeTrack } from '../helpers/fake-track.ts';
import { rtp } from '../helpers/rtp-packet.ts';
import { feedbackBytes } from '../helpers/transport-cc-fixtures.ts';

/** A VP8 packet of `size` bytes: a key frame's first packet, or a delta frame's. */
function vp8(sequence: number, keyFrame: boolean, size = 1200): Buffer {
  const payload = [0x10, keyFrame ? 0x00 : 0x01, 0, 0, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01];
  while (payload.length < size - 12) payload.push(0xab);
  return rtp({ sequence, timestamp: sequence * 3000, ssrc: 0x5555, payloadType: 96, payload });
}

function meeting() {
  let now = 1_000;
  const clock = () => now;
  const publisherTrack = new FakeTrack();
  const publisher = new Publisher({
    memberId: 'p',
    source: 'camera',
    kind: 'video',
    track: asTrack(publisherTrack),
    payloadType: 96,
    now: clock,
  });
  const slotTrack = new FakeTrack();
  const budget = new RetransmitBudget(clock);
  const slot = new Slot('1', 'video', 0x1111, 0x2222, asTrack(slotTrack), null, budget, clock);
  slotTrack.open();
  slot.bind(publisher, 0);
  for (let s = 0; s < 400; s++) publisherTrack.receive(vp8(s, s === 0));
  return { publisher, publisherTrack, slot, slotTrack, budget, advance: (ms: number) => (now += ms) };
}

describe('work a peer can trigger is budgeted', () => {
  it('a NACK flood gets at most the retransmission budget, and each packet once per interval', () => {
    const { slotTrack, budget, advance } = meeting();
    const forwarded = slotTrack.sent.length;
    expect(forwarded).toBe(400);
    const outSeqs = slotTrack.sent.map((p) => p.readUInt16BE(2));
    let nackBytes = 0;
    // One second of a receiver asking for every packet it ever got, 100 times.
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < outSeqs.length; i += 17) {
        const nack = buildNack(0x9999, 0x1111, outSeqs.slice(i, i + 17));
        nackBytes += nack.length;
        slotTrack.receive(nack);
      }
      advance(10);
    }
    const resent = slotTrack.sent.slice(forwarded);
    const resentBytes = resent.reduce((n, p) => n + p.length, 0);
    expect(resentBytes).toBeLessThanOrEqual(RETRANSMIT_BURST_BYTES + RETRANSMIT_BYTES_PER_SECOND * 1.0 + 1500);
    expect(resentBytes).toBeGreaterThan(RETRANSMIT_BURST_BYTES / 2); // honest-looking NACKs were served
    expect(budget.refusedBytes).toBeGreaterThan(0);
    // Amplification: bytes out per byte of NACK stays small.
    expect(resentBytes / nackBytes).toBeLessThan(10);
  });

  it('one RTCP packet names at most MAX_NACKED_PER_PACKET packets, however many items it carries', () => {
    const sequences = Array.from({ length: 1000 }, (_, i) => i * 3);
    const items = parseRtcp(buildNack(1, 2, sequences));
    const named = items.reduce((n, item) => n + (item.type === 'nack' ? item.sequences.length : 0), 0);
    expect(named).toBe(MAX_NACKED_PER_PACKET);
    // Several NACK blocks in one compound packet share the limit.
    const compound = Buffer.concat([buildNack(1, 2, sequences), buildNack(1, 3, sequences)]);
    expect(parseRtcp(compound).reduce((n, i) => n + (i.type === 'nack' ? i.sequences.length : 0), 0)).toBe(MAX_NACKED_PER_PACKET);
  });

  it('a transport-cc packet may not claim more than MAX_FEEDBACK_PACKETS packets', () => {
    // Eight run-length chunks of 8 191 "not received": 36 bytes claiming 65 535 packets.
    const chunks = Array.from({ length: 8 }, () => 0x1fff);
    const claim = (count: number) =>
      parseTransportCcFeedback(
        feedbackBytes({
          senderSsrc: 1,
          mediaSsrc: 2,
          baseSequence: 0,
          count,
          referenceTicks: 0,
          feedbackCount: 0,
          chunks,
          deltas: [],
        }),
      );
    expect(claim(65_535)).toBeNull();
    expect(claim(MAX_FEEDBACK_PACKETS)?.packets).toHaveLength(MAX_FEEDBACK_PACKETS);
  });

  it('a compound RTCP packet may not claim more than MAX_FEEDBACK_PACKETS packets over all its feedbacks (found by fuzzing)', () => {
    // 62 feedbacks of 24 bytes, each one run-length chunk claiming 4 096 lost packets: 1 488
    // bytes that used to make the SFU build 253 952 entries. Now the first is parsed, the rest
    // dropped — and a compound of honest-sized feedbacks still passes whole.
    const feedback = (count: number, feedbackCount: number) =>
      feedbackBytes({ baseSequence: 0, count, referenceTicks: 0, feedbackCount, chunks: [count], deltas: [] });
    const flood = Buffer.concat(Array.from({ length: 62 }, (_, i) => feedback(MAX_FEEDBACK_PACKETS, i)));
    expect(flood.length).toBeLessThanOrEqual(1500);
    const items = parseRtcp(flood).filter((item) => item.type === 'transport-cc');
    expect(items).toHaveLength(1);
    const claimed = items.reduce((n, item) => n + (parseTransportCcFeedback(flood, item.offset)?.packets.length ?? 0), 0);
    expect(claimed).toBe(MAX_FEEDBACK_PACKETS);
    const honest = Buffer.concat([feedback(100, 1), feedback(200, 2), feedback(50, 3)]);
    expect(parseRtcp(honest).filter((item) => item.type === 'transport-cc')).toHaveLength(3);
  });

  it('transport-cc feedback may report on about as many packets as we sent, not more (found by the attack benchmark)', () => {
    // An attacker's 24-byte feedbacks, each claiming 4 096 lost packets, at any rate: without
    // the credit every one costs 4 096 history lookups; with it, only what we sent is looked at.
    const estimate = new DownlinkEstimate(() => 0);
    const flood = (feedbackCount: number) =>
      feedbackBytes({
        baseSequence: 0,
        count: MAX_FEEDBACK_PACKETS,
        referenceTicks: 0,
        feedbackCount,
        chunks: [MAX_FEEDBACK_PACKETS],
        deltas: [],
      });
    for (let i = 0; i < 100; i++) estimate.record(1200, i);
    for (let i = 0; i < 1000; i++) estimate.onFeedback(flood(i & 0xff), 0);
    expect(estimate.feedbacks).toBe(0);
    expect(estimate.refusedFeedbacks).toBe(1000);
    // A long quiet spell banks no more than the limit: one largest feedback, then refusals again.
    for (let i = 0; i < 100_000; i++) estimate.record(1200, i);
    let accepted = 0;
    for (let i = 0; i < 100; i++) {
      estimate.onFeedback(flood(i & 0xff), 0);
      accepted = estimate.feedbacks;
    }
    expect(accepted).toBe(FEEDBACK_CREDIT_LIMIT / MAX_FEEDBACK_PACKETS);
    // Honest feedback (each packet sent reported once, the same feedback seen on several tracks) always passes.
    const honest = new DownlinkEstimate(() => 0);
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 20; i++) honest.record(1200, round * 100 + i);
      const report = feedbackBytes({
        baseSequence: 0,
        count: 20,
        referenceTicks: 0,
        feedbackCount: round,
        chunks: [20],
        deltas: [],
      });
      for (let track = 0; track < 10; track++) honest.onFeedback(report, 0);
    }
    expect(honest.refusedFeedbacks).toBe(0);
    expect(honest.feedbacks).toBe(50);
  });

  it('key-frame requests: per layer and per publisher budgets; one over budget is sent later, never lost', () => {
    const throttle = new KeyFrameThrottle(300, 5);
    expect(throttle.request(0, 0)).toBe(true);
    for (let t = 1; t < 300; t += 10) expect(throttle.request(0, t)).toBe(false); // a flood from one receiver
    expect(throttle.due(299)).toEqual([]);
    expect(throttle.due(300)).toEqual([0]); // the kept one, once
    expect(throttle.due(700)).toEqual([]);
    // Per publisher: five in a second over three layers, the rest later.
    const busy = new KeyFrameThrottle(0, 5);
    const sent = [0, 1, 2, 0, 1, 2, 0].map((layer, i) => busy.request(layer, i));
    expect(sent.filter(Boolean)).toHaveLength(5);
    expect(busy.due(500)).toEqual([]);
    expect(busy.due(1000).length).toBeGreaterThan(0);
  });

  it('a PLI flood reaches the publisher as a budgeted trickle', () => {
    const { publisherTrack, slotTrack, publisher, advance } = meeting();
    const plisBefore = publisherTrack.sent.length;
    const pli = Buffer.from([0x81, 206, 0, 2, 0, 0, 0x99, 0x99, 0, 0, 0x11, 0x11]);
    for (let i = 0; i < 1000; i++) {
      slotTrack.receive(pli);
      advance(1);
      publisher.sendFeedback(1_000 + i);
    }
    const plis = publisherTrack.sent.slice(plisBefore).filter((p) => p[1] === 206);
    expect(plis.length).toBeGreaterThan(0);
    expect(plis.length).toBeLessThanOrEqual(5);
  });

  it(`an offer with more than ${MAX_SIMULCAST_LAYERS} simulcast layers, or a layer twice, is refused`, () => {
    const offer = (rids: string[]) =>
      [
        'v=0',
        'o=- 1 2 IN IP4 127.0.0.1',
        's=-',
        't=0 0',
        'm=video 9 UDP/TLS/RTP/SAVPF 96',
        'c=IN IP4 0.0.0.0',
        'a=mid:0',
        'a=sendonly',
        'a=rtpmap:96 VP8/90000',
        ...rids.map((r) => `a=rid:${r} send`),
        `a=simulcast:send ${rids.join(';')}`,
        '',
      ].join('\r\n');
    expect(preparePublishOffer(offer(['q', 'h', 'f']), 'VP8').rids).toEqual(['q', 'h', 'f']);
    expect(() => preparePublishOffer(offer(['a', 'b', 'c', 'd']), 'VP8')).toThrow(SdpError);
    expect(() => preparePublishOffer(offer(['a', 'a']), 'VP8')).toThrow(/named twice/);
  });

  it('RTP packets over 1 500 bytes are dropped on the way in, not truncated', () => {
    const { publisher, publisherTrack, slotTrack } = meeting();
    const before = slotTrack.sent.length;
    publisherTrack.receive(vp8(400, false, 1600));
    expect(publisher.oversized).toBe(1);
    expect(slotTrack.sent.length).toBe(before);
  });
});
