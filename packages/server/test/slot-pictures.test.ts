import { describe, expect, it } from 'vitest';
import { Publisher } from '../src/sfu/publisher.ts';
import type { PublisherLayer } from '../src/sfu/publisher-layer.ts';
import { buildNack } from '../src/sfu/rtp/rtcp.ts';
import { RtpView } from '../src/sfu/rtp/rtp-view.ts';
import type { Vp8Picture } from '../src/sfu/rtp/vp8.ts';
import { readVp8Picture } from '../src/sfu/rtp/vp8.ts';
import { Slot } from '../src/sfu/slot.ts';
import { asTrack, FakeTrack } from './helpers/fake-track.ts';
import { rtp } from './helpers/rtp-packet.ts';

/** A one-packet VP8 frame with a 15-bit picture ID and a TL0PICIDX, as Chromium's simulcast sends. */
function frame(layerSsrc: number, sequence: number, pictureId: number, tl0: number, keyFrame: boolean): Buffer {
  const descriptor = [0x90, 0xe0, 0x80 | (pictureId >> 8), pictureId & 0xff, tl0, 0x20];
  const header = keyFrame ? [0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01] : [0x01, 0x00, 0x00];
  return rtp({
    sequence,
    timestamp: sequence * 3000,
    ssrc: layerSsrc,
    payloadType: 96,
    marker: true,
    payload: [...descriptor, ...header],
  });
}

function pictureOf(packet: Buffer, payloadStart: number): Vp8Picture {
  const picture = { pictureId: -1, tl0PicIdx: -1 };
  readVp8Picture(packet.subarray(payloadStart), picture);
  return picture;
}

describe('a slot switching simulcast layers', () => {
  it('numbers the new layer’s pictures on from the last ones sent, retransmissions too', () => {
    let now = 1000;
    const track = new FakeTrack();
    const slot = new Slot('1', 'video', 0x1111, 0x2222, asTrack(track), null, null, () => now);
    track.open();
    // The publisher is bound for the RTCP path (NACKs reach the slot through it); packets are
    // handed to the slot directly, as the publisher would after reading each layer's rid.
    const publisher = new Publisher({
      memberId: 'p',
      source: 'camera',
      kind: 'video',
      track: asTrack(new FakeTrack()),
      payloadType: 96,
      rids: ['q', 'h'],
      now: () => now,
    });
    slot.bind(publisher, 0);
    const [low, high] = publisher.layers as [PublisherLayer, PublisherLayer];
    low.reset(0xa);
    high.reset(0xb);
    const deliver = (layer: PublisherLayer, packet: Buffer) => {
      const view = new RtpView();
      view.reset(packet);
      layer.onPacket(view, packet, now);
      slot.forward(view, layer, now);
      now += 33;
    };
    // The low layer starts at picture 20000; the high one, numbered on its own, at 5000 (behind).
    for (let i = 0; i < 5; i++) deliver(low, frame(0xa, 100 + i, 20_000 + i, 40 + i, i === 0));
    slot.setTargetLayer(1);
    deliver(high, frame(0xb, 700, 5000, 7, false)); // not a key frame: not forwarded
    for (let i = 1; i < 4; i++) deliver(high, frame(0xb, 700 + i, 5000 + i, 7 + i, i === 1));
    const pictures = track.sent.map((p) => pictureOf(p, 12));
    expect(pictures.map((p) => p.pictureId)).toEqual([20_000, 20_001, 20_002, 20_003, 20_004, 20_005, 20_006, 20_007]);
    expect(pictures.map((p) => p.tl0PicIdx)).toEqual([40, 41, 42, 43, 44, 45, 46, 47]);

    // A NACK for the last packet: the RTX copy (12-byte header, 2-byte original sequence) carries
    // the same renumbered picture.
    const lastSeq = (track.sent.at(-1) as Buffer).readUInt16BE(2);
    track.receive(buildNack(0x9999, 0x1111, [lastSeq]));
    const rtx = track.sent.at(-1) as Buffer;
    expect(rtx.readUInt32BE(8)).toBe(0x2222);
    expect(pictureOf(rtx, 14)).toEqual({ pictureId: 20_007, tl0PicIdx: 47 });
  });
});
