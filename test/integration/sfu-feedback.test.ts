import { describe, expect, it } from 'vitest';
import { Bot } from '../../bench/bot/bot.ts';
import { buildNack, buildPli } from '../../packages/server/src/sfu/rtp/rtcp.ts';
import { useServer } from '../support/environment.ts';
import { until } from '../support/until.ts';

describe('SFU feedback: key frames, NACKs, receiver reports', () => {
  const env = useServer();
  const bots = env.bots;

  it('a new subscriber gets a key frame within 1 s though the publisher sends them rarely', async () => {
    const publisher = await Bot.join({ serverUrl: env.server.url, room: 'kf-room', name: 'pub', keyFrameIntervalMs: 60_000 });
    bots.push(publisher);
    // Past the publisher's first (unrequested) key frame, which went to nobody.
    await until('publisher sends video', () => publisher.videoPacketsSent > 60, 5000);
    const viewer = await Bot.join({ serverUrl: env.server.url, room: 'kf-room', name: 'viewer', videoBitrate: 0, audio: false });
    bots.push(viewer);
    const streams = () => [...viewer.received.values()];
    await until(
      'viewer receives video and audio',
      () => streams().some((s) => s.kind === 'video' && s.keyFrames > 0) && streams().some((s) => s.kind === 'audio'),
      5000,
    );
    const video = [...viewer.received.values()].find((s) => s.kind === 'video');
    const audio = [...viewer.received.values()].find((s) => s.kind === 'audio');
    if (!video || !audio) throw new Error('expected audio and video from the publisher');
    // The very first packet forwarded is a key frame: nothing undecodable is sent before it.
    expect(video.firstKeyFrameAt).toBe(video.firstPacketAt);
    // Measured from the moment media reaches the viewer at all (its connection is up; audio
    // flows from the first packet), so DTLS set-up time is not counted.
    expect(video.firstKeyFrameAt - audio.firstPacketAt).toBeLessThan(1000);
    expect(publisher.keyFrameRequests).toBeGreaterThan(0);
  });

  it('PLI from a subscriber reaches the publisher; NACKs are answered from the cache', async () => {
    const [publisher, viewer] = bots as [Bot, Bot];
    const slot = viewer.slots.find((s) => s.kind === 'video' && s.memberId === publisher.memberId);
    expect(slot).toBeDefined();
    const stream = [...viewer.received.values()].find((s) => s.kind === 'video');
    if (!slot || !stream) throw new Error('no video slot');

    const before = publisher.keyFrameRequests;
    await new Promise((r) => setTimeout(r, 400)); // past the PLI rate limit
    viewer.sendRtcp(slot.mid, buildPli(1234, stream.ssrc));
    await until('publisher asked for a key frame', () => publisher.keyFrameRequests > before, 2000);

    const lost = [(stream.lastSequence - 5) & 0xffff, (stream.lastSequence - 3) & 0xffff];
    viewer.sendRtcp(slot.mid, buildNack(1234, stream.ssrc, lost));
    await until('RTX retransmissions arrive', () => lost.every((seq) => viewer.retransmitted.includes(seq)), 2000);
  });

  it('publishers get receiver reports from the SFU', async () => {
    const [publisher] = bots as [Bot];
    await until('receiver reports', () => publisher.receiverReports >= 2, 4000);
  });
});

describe('loss on the way in', () => {
  const env = useServer();

  it('packets lost between a publisher and the SFU are NACKed to the publisher', async () => {
    const publisher = await Bot.join({ serverUrl: env.server.url, room: 'nack-in-room', name: 'lossy', dropEvery: 40 });
    env.bots.push(publisher);
    await until('some packets dropped', () => publisher.droppedVideo.length >= 5, 10_000);
    const dropped = publisher.droppedVideo.slice(0, 5);
    await until('each dropped packet NACKed', () => dropped.every((seq) => publisher.nacked.includes(seq)), 5000);
    // Asked at most three times each, and nothing that did arrive was asked for.
    for (const seq of dropped) expect(publisher.nacked.filter((s) => s === seq).length).toBeLessThanOrEqual(3);
    const droppedSet = new Set(publisher.droppedVideo);
    expect(publisher.nacked.every((seq) => droppedSet.has(seq))).toBe(true);
  });
});
