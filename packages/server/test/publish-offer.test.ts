import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { preparePublishOffer, SdpError } from '../src/sfu/sdp/publish-offer.ts';
import { sdp } from './helpers/sdp.ts';

const SESSION = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS 5c6b3a2e-7a0f-4a44-9b0c-1b9b8cf0d0aa',
];

/** What Chrome 120+ offers for `addTransceiver(videoTrack, { direction: 'sendonly' })`. */
const CHROME_VIDEO_M_LINE = [
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 102 103 116 117 118',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Xy7Q',
  'a=ice-pwd:Nh1Jp6t1Jx6cKfQ3tYq2u9nL',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 6B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:0',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:toffset',
  'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'a=extmap:3 urn:3gpp:video-orientation',
  'a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
  'a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  'a=sendonly',
  'a=msid:5c6b3a2e-7a0f-4a44-9b0c-1b9b8cf0d0aa 0b0e3c55-4cfa-4e2b-9d4b-3a3b1f1a2c44',
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 goog-remb',
  'a=rtcp-fb:96 transport-cc',
  'a=rtcp-fb:96 ccm fir',
  'a=rtcp-fb:96 nack',
  'a=rtcp-fb:96 nack pli',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:98 VP9/90000',
  'a=rtcp-fb:98 goog-remb',
  'a=rtcp-fb:98 transport-cc',
  'a=rtcp-fb:98 ccm fir',
  'a=rtcp-fb:98 nack',
  'a=rtcp-fb:98 nack pli',
  'a=fmtp:98 profile-id=0',
  'a=rtpmap:99 rtx/90000',
  'a=fmtp:99 apt=98',
  'a=rtpmap:102 H264/90000',
  'a=rtcp-fb:102 goog-remb',
  'a=rtcp-fb:102 transport-cc',
  'a=rtcp-fb:102 ccm fir',
  'a=rtcp-fb:102 nack',
  'a=rtcp-fb:102 nack pli',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  'a=rtpmap:103 rtx/90000',
  'a=fmtp:103 apt=102',
  'a=rtpmap:116 red/90000',
  'a=rtpmap:117 rtx/90000',
  'a=fmtp:117 apt=116',
  'a=rtpmap:118 ulpfec/90000',
  'a=ssrc-group:FID 1234567890 987654321',
  'a=ssrc:1234567890 cname:Qk8bQ5gk1nWm1V7x',
  'a=ssrc:1234567890 msid:5c6b3a2e-7a0f-4a44-9b0c-1b9b8cf0d0aa 0b0e3c55-4cfa-4e2b-9d4b-3a3b1f1a2c44',
  'a=ssrc:987654321 cname:Qk8bQ5gk1nWm1V7x',
  'a=ssrc:987654321 msid:5c6b3a2e-7a0f-4a44-9b0c-1b9b8cf0d0aa 0b0e3c55-4cfa-4e2b-9d4b-3a3b1f1a2c44',
];

const CHROME_VIDEO_OFFER = sdp([...SESSION, ...CHROME_VIDEO_M_LINE]);

const CHROME_AUDIO_M_LINE = [
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Xy7Q',
  'a=ice-pwd:Nh1Jp6t1Jx6cKfQ3tYq2u9nL',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 6B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:1',
  'a=extmap:14 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=sendonly',
  'a=msid:- 1f0e0f0e-aaaa-bbbb-cccc-111122223333',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:13 CN/8000',
  'a=rtpmap:110 telephone-event/48000',
  'a=rtpmap:126 telephone-event/8000',
  'a=ssrc:55555 cname:Qk8bQ5gk1nWm1V7x',
];

describe('preparePublishOffer: a Chrome video offer', () => {
  const result = preparePublishOffer(CHROME_VIDEO_OFFER, 'VP8');
  const media = parse(result.sdp).media[0];

  it('returns the VP8 payload type and the media kind', () => {
    expect(result.payloadType).toBe(96);
    expect(result.kind).toBe('video');
  });

  it('keeps exactly one m-line, listing only VP8', () => {
    expect(parse(result.sdp).media).toHaveLength(1);
    expect(result.sdp).toMatch(/^m=video 9 UDP\/TLS\/RTP\/SAVPF 96\r$/m);
    expect(media?.rtp).toEqual([{ payload: 96, codec: 'VP8', rate: 90000 }]);
  });

  it('drops rtx, VP9, H264, red and ulpfec with their fmtp lines', () => {
    expect(result.sdp).not.toMatch(/rtx|VP9|H264|red\/|ulpfec|apt=|profile-id|packetization-mode/);
    expect(result.sdp.match(/^a=rtpmap:/gm)).toHaveLength(1);
    expect(result.sdp).not.toMatch(/^a=fmtp:/m);
    expect(media?.fmtp).toEqual([]);
  });

  it('keeps VP8 feedback (nack, pli, fir, remb, transport-cc) and no other', () => {
    expect(media?.rtcpFb).toEqual([
      { payload: 96, type: 'goog-remb' },
      { payload: 96, type: 'transport-cc' },
      { payload: 96, type: 'ccm', subtype: 'fir' },
      { payload: 96, type: 'nack' },
      { payload: 96, type: 'nack', subtype: 'pli' },
    ]);
    expect(result.sdp.match(/^a=rtcp-fb:/gm)).toHaveLength(5);
  });

  it('drops the ssrc-group FID and the lines of the RTX SSRC it named', () => {
    expect(result.sdp).not.toContain('a=ssrc-group');
    expect(result.sdp).not.toContain('a=ssrc:987654321');
    expect(media?.ssrcGroups).toBeUndefined();
  });

  it('keeps transport, direction, mid, msid and header extensions', () => {
    for (const line of [
      'a=ice-ufrag:Xy7Q',
      'a=ice-pwd:Nh1Jp6t1Jx6cKfQ3tYq2u9nL',
      'a=setup:actpass',
      'a=mid:0',
      'a=sendonly',
      'a=rtcp-mux',
      'a=rtcp-rsize',
      'a=group:BUNDLE 0',
      'a=msid:5c6b3a2e-7a0f-4a44-9b0c-1b9b8cf0d0aa 0b0e3c55-4cfa-4e2b-9d4b-3a3b1f1a2c44',
      'a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
    ]) {
      expect(result.sdp).toContain(`${line}\r\n`);
    }
    expect(media?.ext).toHaveLength(8);
    expect(result.sdp).toContain('a=fingerprint:sha-256 6B:8B:F0:65');
  });

  it('keeps the primary SSRC', () => {
    expect(result.sdp).toContain('a=ssrc:1234567890 cname:Qk8bQ5gk1nWm1V7x\r\n');
  });

  it('does not depend on the case of the codec name', () => {
    expect(preparePublishOffer(CHROME_VIDEO_OFFER, 'vp8')).toEqual(result);
  });
});

describe('preparePublishOffer: other codecs and offers', () => {
  it('can pick a codec that is not listed first, keeping its fmtp', () => {
    const result = preparePublishOffer(CHROME_VIDEO_OFFER, 'VP9');
    expect(result.payloadType).toBe(98);
    const media = parse(result.sdp).media[0];
    expect(String(media?.payloads)).toBe('98');
    expect(media?.rtp.map((r) => r.codec)).toEqual(['VP9']);
    expect(media?.fmtp).toEqual([{ payload: 98, config: 'profile-id=0' }]);
    expect(media?.rtcpFb?.every((f) => f.payload === 98)).toBe(true);
    expect(result.sdp).not.toContain('VP8');
  });

  it('reduces an audio offer to Opus', () => {
    const result = preparePublishOffer(sdp([...SESSION.slice(0, 4), ...CHROME_AUDIO_M_LINE]), 'opus');
    expect(result.kind).toBe('audio');
    expect(result.payloadType).toBe(111);
    const media = parse(result.sdp).media[0];
    expect(String(media?.payloads)).toBe('111');
    expect(media?.rtp).toEqual([{ payload: 111, codec: 'opus', rate: 48000, encoding: 2 }]);
    expect(media?.fmtp).toEqual([{ payload: 111, config: 'minptime=10;useinbandfec=1' }]);
    expect(result.sdp).not.toMatch(/red|G722|PCMU|PCMA|CN\/|telephone-event/);
  });

  it('keeps wildcard rtcp-fb lines', () => {
    const lines = [...SESSION, ...CHROME_VIDEO_M_LINE];
    lines.splice(lines.indexOf('a=rtpmap:96 VP8/90000'), 0, 'a=rtcp-fb:* nack');
    const media = parse(preparePublishOffer(sdp(lines), 'VP8').sdp).media[0];
    expect(media?.rtcpFb).toContainEqual({ payload: '*', type: 'nack' });
    expect(media?.rtcpFb).toHaveLength(6);
  });

  it('works for an offer without ssrc-group, fmtp or rtcp-fb', () => {
    const lines = [
      ...SESSION,
      'm=video 9 UDP/TLS/RTP/SAVPF 100 96',
      'c=IN IP4 0.0.0.0',
      'a=mid:0',
      'a=sendonly',
      'a=rtpmap:100 VP8/90000',
      'a=rtpmap:96 H264/90000',
    ];
    const result = preparePublishOffer(sdp(lines), 'VP8');
    expect(result.payloadType).toBe(100);
    expect(String(parse(result.sdp).media[0]?.payloads)).toBe('100');
  });
});

describe('preparePublishOffer: rejected offers', () => {
  function rejects(offer: string, codec: string, message: RegExp): void {
    let error: unknown;
    try {
      preparePublishOffer(offer, codec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SdpError);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
  }

  it('rejects an offer without m-lines', () => {
    rejects(sdp(SESSION), 'VP8', /exactly one m-line/);
  });

  it('rejects an offer with two m-lines', () => {
    const bundle = SESSION.map((l) => (l === 'a=group:BUNDLE 0' ? 'a=group:BUNDLE 0 1' : l));
    rejects(sdp([...bundle, ...CHROME_VIDEO_M_LINE, ...CHROME_AUDIO_M_LINE]), 'VP8', /exactly one m-line/);
  });

  it('rejects two video m-lines (simulcast must use one m-line)', () => {
    const second = CHROME_VIDEO_M_LINE.map((l) => (l === 'a=mid:0' ? 'a=mid:1' : l));
    rejects(sdp([...SESSION, ...CHROME_VIDEO_M_LINE, ...second]), 'VP8', /exactly one m-line/);
  });

  it('rejects a data channel offer', () => {
    const lines = [
      ...SESSION,
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'c=IN IP4 0.0.0.0',
      'a=mid:0',
      'a=sctp-port:5000',
    ];
    rejects(sdp(lines), 'VP8', /audio or video/);
  });

  it('rejects a video offer without VP8, naming the codec', () => {
    const lines = [
      ...SESSION,
      'm=video 9 UDP/TLS/RTP/SAVPF 102 103',
      'c=IN IP4 0.0.0.0',
      'a=mid:0',
      'a=sendonly',
      'a=rtpmap:102 H264/90000',
      'a=rtpmap:103 rtx/90000',
      'a=fmtp:103 apt=102',
    ];
    rejects(sdp(lines), 'VP8', /no VP8 codec/);
  });

  it('rejects an audio offer when asked for VP8', () => {
    rejects(sdp([...SESSION.slice(0, 4), ...CHROME_AUDIO_M_LINE]), 'VP8', /no VP8 codec/);
  });

  it('rejects text that is not SDP', () => {
    rejects('hello world', 'VP8', /exactly one m-line|not valid SDP/);
    rejects('', 'VP8', /exactly one m-line|not valid SDP/);
  });
});

describe('preparePublishOffer: found by fuzzing', () => {
  // sdp-transform turns number-like values into numbers; these threw TypeError (an `internal`
  // error reply) instead of being read as text.
  it('reads a codec named like a number as text', () => {
    const lines = [...SESSION, ...CHROME_VIDEO_M_LINE];
    lines.splice(lines.indexOf('a=rtpmap:96 VP8/90000'), 0, 'a=rtpmap:35 123/90000');
    expect(preparePublishOffer(sdp(lines), 'VP8').payloadType).toBe(96);
    expect(() => preparePublishOffer(sdp(lines.filter((l) => !l.includes('VP8'))), 'VP8')).toThrow(SdpError);
  });

  it('reads an ssrc-group of one SSRC', () => {
    const lines = [...SESSION, ...CHROME_VIDEO_M_LINE].map((l) =>
      l.startsWith('a=ssrc-group:') ? 'a=ssrc-group:FID 1234567890' : l,
    );
    const result = preparePublishOffer(sdp(lines), 'VP8');
    expect(result.sdp).toContain('a=ssrc:1234567890 cname:');
    expect(result.sdp).not.toContain('a=ssrc-group');
  });
});
