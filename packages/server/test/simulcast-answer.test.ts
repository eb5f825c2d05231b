import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { acceptSimulcast } from '../src/sfu/sdp/simulcast-answer.ts';
import { sdp } from './helpers/sdp.ts';

const SESSION = [
  'v=0',
  'o=rtc 2890844526 0 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=group:LS 0',
  'a=msid-semantic:WMS *',
  'a=setup:active',
  'a=ice-ufrag:a1B2',
  'a=ice-pwd:c3D4e5F6g7H8i9J0k1L2m3',
  'a=ice-options:ice2,trickle',
  'a=fingerprint:sha-256 6B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
];

const VIDEO_HEAD = [
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=recvonly',
  'a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
];

const VIDEO_TAIL = [
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 nack',
  'a=rtcp-fb:96 nack pli',
  'a=rtcp-fb:96 ccm fir',
  'a=rtcp-fb:96 goog-remb',
  'a=rtcp-fb:96 transport-cc',
];

/** What libdatachannel answers to Chrome's three-layer simulcast offer: rids and simulcast copied as `send`. */
const ENGINE_ANSWER_3 = sdp([
  ...SESSION,
  ...VIDEO_HEAD,
  'a=rid:q send',
  'a=rid:h send',
  'a=rid:f send',
  'a=simulcast:send q;h;f',
  ...VIDEO_TAIL,
]);

const ENGINE_ANSWER_2 = sdp([
  ...SESSION,
  ...VIDEO_HEAD,
  'a=rid:lo send',
  'a=rid:hi send',
  'a=simulcast:send lo;hi',
  ...VIDEO_TAIL,
]);

/** A plain (non-simulcast) video answer. */
const PLAIN_ANSWER = sdp([...SESSION, ...VIDEO_HEAD, ...VIDEO_TAIL]);

const AUDIO_ANSWER = sdp([
  ...SESSION,
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=recvonly',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
]);

function lines(text: string): string[] {
  return text.split('\r\n').filter((l) => l.length > 0);
}

describe('acceptSimulcast', () => {
  it('turns three send rids and the simulcast line into recv', () => {
    const out = acceptSimulcast(ENGINE_ANSWER_3);
    const outLines = lines(out);
    expect(outLines).toEqual(expect.arrayContaining(['a=rid:q recv', 'a=rid:h recv', 'a=rid:f recv', 'a=simulcast:recv q;h;f']));
    expect(out).not.toMatch(/a=rid:\S+ send/);
    expect(out).not.toContain('a=simulcast:send');
  });

  it('keeps the rid order', () => {
    const rids = lines(acceptSimulcast(ENGINE_ANSWER_3)).filter((l) => l.startsWith('a=rid:'));
    expect(rids).toEqual(['a=rid:q recv', 'a=rid:h recv', 'a=rid:f recv']);
  });

  it('handles two rids', () => {
    const out = acceptSimulcast(ENGINE_ANSWER_2);
    const parsed = parse(out).media[0];
    expect(parsed?.rids).toEqual([
      { id: 'lo', direction: 'recv' },
      { id: 'hi', direction: 'recv' },
    ]);
    expect(parsed?.simulcast).toEqual({ dir1: 'recv', list1: 'lo;hi' });
  });

  it('changes nothing else in the answer', () => {
    const before = parse(ENGINE_ANSWER_3);
    const after = parse(acceptSimulcast(ENGINE_ANSWER_3));
    const expected = structuredClone(before);
    const media = expected.media[0];
    if (!media?.rids || !media.simulcast) throw new Error('fixture lost its simulcast lines');
    for (const rid of media.rids) rid.direction = 'recv';
    media.simulcast.dir1 = 'recv';
    expect(after).toEqual(expected);
    // Spot-check lines the engine and browser depend on.
    const out = lines(acceptSimulcast(ENGINE_ANSWER_3));
    for (const line of [
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'a=mid:0',
      'a=recvonly',
      'a=setup:active',
      'a=ice-ufrag:a1B2',
      'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
      'a=rtpmap:96 VP8/90000',
      'a=rtcp-fb:96 transport-cc',
    ]) {
      expect(out).toContain(line);
    }
  });

  it('keeps the same number of lines', () => {
    expect(lines(acceptSimulcast(ENGINE_ANSWER_3))).toHaveLength(lines(ENGINE_ANSWER_3).length);
  });

  it('ends lines with CRLF', () => {
    const out = acceptSimulcast(ENGINE_ANSWER_3);
    expect(out.endsWith('\r\n')).toBe(true);
    expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('returns a non-simulcast video answer byte-identical', () => {
    expect(acceptSimulcast(PLAIN_ANSWER)).toBe(PLAIN_ANSWER);
  });

  it('returns an audio answer byte-identical', () => {
    expect(acceptSimulcast(AUDIO_ANSWER)).toBe(AUDIO_ANSWER);
  });

  it('returns an answer that already says recv byte-identical', () => {
    const already = sdp([...SESSION, ...VIDEO_HEAD, 'a=rid:q recv', 'a=rid:h recv', 'a=simulcast:recv q;h', ...VIDEO_TAIL]);
    expect(acceptSimulcast(already)).toBe(already);
  });

  it('is idempotent', () => {
    const once = acceptSimulcast(ENGINE_ANSWER_3);
    expect(acceptSimulcast(once)).toBe(once);
  });

  it('keeps paused (~) and alternative (,) rids in the simulcast list', () => {
    const answer = sdp([
      ...SESSION,
      ...VIDEO_HEAD,
      'a=rid:q send',
      'a=rid:h send',
      'a=rid:f send',
      'a=simulcast:send q;~h;f',
      ...VIDEO_TAIL,
    ]);
    expect(lines(acceptSimulcast(answer))).toContain('a=simulcast:recv q;~h;f');
  });

  it('keeps rid restrictions', () => {
    const answer = sdp([
      ...SESSION,
      ...VIDEO_HEAD,
      'a=rid:q send pt=96;max-width=320',
      'a=rid:f send pt=96',
      'a=simulcast:send q;f',
      ...VIDEO_TAIL,
    ]);
    const out = lines(acceptSimulcast(answer));
    expect(out).toContain('a=rid:q recv pt=96;max-width=320');
    expect(out).toContain('a=rid:f recv pt=96');
    expect(out).toContain('a=simulcast:recv q;f');
  });

  it('rewrites rids even without a simulcast line', () => {
    const answer = sdp([...SESSION, ...VIDEO_HEAD, 'a=rid:q send', ...VIDEO_TAIL]);
    const out = acceptSimulcast(answer);
    expect(lines(out)).toContain('a=rid:q recv');
    expect(out).not.toContain('a=simulcast');
  });

  it('only touches the m-lines that carry simulcast', () => {
    const answer = sdp([
      ...SESSION.map((l) => (l === 'a=group:BUNDLE 0' ? 'a=group:BUNDLE 0 1' : l)),
      ...VIDEO_HEAD,
      'a=rid:q send',
      'a=rid:f send',
      'a=simulcast:send q;f',
      ...VIDEO_TAIL,
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'c=IN IP4 0.0.0.0',
      'a=mid:1',
      'a=recvonly',
      'a=rtcp-mux',
      'a=rtpmap:111 opus/48000/2',
    ]);
    const media = parse(acceptSimulcast(answer)).media;
    expect(media).toHaveLength(2);
    expect(media[0]?.simulcast?.dir1).toBe('recv');
    expect(media[1]?.type).toBe('audio');
    expect(media[1]?.rids).toBeUndefined();
    expect(media[1]?.simulcast).toBeUndefined();
    expect(media[1]?.direction).toBe('recvonly');
  });
});
