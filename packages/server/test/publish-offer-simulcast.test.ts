import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { EXTENSION_URIS, extensionIds, preparePublishOffer } from '../src/sfu/sdp/publish-offer.ts';
import { sdp } from './helpers/sdp.ts';

const SESSION = [
  'v=0',
  'o=- 8113487320547351224 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS 9d2b5f0e-3c1a-4b7e-8f6d-2a1c0b9e8d7f',
];

const VIDEO_HEAD = [
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 45 46',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Rk3d',
  'a=ice-pwd:Vf0oYq5mJ2bXcP8sLw7nT1aZ',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 1F:4C:90:AB:77:2E:5D:C1:08:93:B6:4A:E2:7F:11:D8:65:3C:A0:9B:42:EE:57:0D:C6:18:F3:8A:2B:91:64:7E',
  'a=setup:actpass',
  'a=mid:0',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:toffset',
  'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'a=extmap:3 urn:3gpp:video-orientation',
  'a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
  'a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type',
  'a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing',
  'a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space',
  'a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
  'a=sendonly',
  'a=msid:9d2b5f0e-3c1a-4b7e-8f6d-2a1c0b9e8d7f 4e6a1c2b-0d3f-4a5e-9b8c-7d6e5f4a3b2c',
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
  'a=rtpmap:45 AV1/90000',
  'a=rtcp-fb:45 goog-remb',
  'a=rtcp-fb:45 transport-cc',
  'a=rtcp-fb:45 ccm fir',
  'a=rtcp-fb:45 nack',
  'a=rtcp-fb:45 nack pli',
  'a=fmtp:45 level-idx=5;profile=0;tier=0',
  'a=rtpmap:46 rtx/90000',
  'a=fmtp:46 apt=45',
];

/**
 * What Chrome offers for `addTransceiver(track, { direction: 'sendonly', sendEncodings: [{ rid: 'q',
 * scaleResolutionDownBy: 4 }, { rid: 'h', scaleResolutionDownBy: 2 }, { rid: 'f' }] })`: rid-based
 * simulcast, no a=ssrc lines.
 */
function chromeSimulcastOffer(
  ridLines: string[] = ['a=rid:q send', 'a=rid:h send', 'a=rid:f send', 'a=simulcast:send q;h;f'],
): string {
  return sdp([...SESSION, ...VIDEO_HEAD, ...ridLines]);
}

const CHROME_AUDIO_OFFER = sdp([
  ...SESSION,
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Rk3d',
  'a=ice-pwd:Vf0oYq5mJ2bXcP8sLw7nT1aZ',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 1F:4C:90:AB:77:2E:5D:C1:08:93:B6:4A:E2:7F:11:D8:65:3C:A0:9B:42:EE:57:0D:C6:18:F3:8A:2B:91:64:7E',
  'a=setup:actpass',
  'a=mid:0',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=sendonly',
  'a=msid:9d2b5f0e-3c1a-4b7e-8f6d-2a1c0b9e8d7f 7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
  'a=rtcp-mux',
  'a=rtcp-rsize',
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
  'a=ssrc:2961275634 cname:Zp4wq8bM0nT2rV6y',
  'a=ssrc:2961275634 msid:9d2b5f0e-3c1a-4b7e-8f6d-2a1c0b9e8d7f 7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
]);

describe('preparePublishOffer with simulcast', () => {
  it('returns the send rids in the order offered', () => {
    const offer = preparePublishOffer(chromeSimulcastOffer(), 'VP8');
    expect(offer.rids).toEqual(['q', 'h', 'f']);
  });

  it('keeps the offered order even when it is not q, h, f', () => {
    const offer = preparePublishOffer(
      chromeSimulcastOffer(['a=rid:f send', 'a=rid:q send', 'a=rid:h send', 'a=simulcast:send f;q;h']),
      'VP8',
    );
    expect(offer.rids).toEqual(['f', 'q', 'h']);
  });

  it('handles two layers', () => {
    const offer = preparePublishOffer(chromeSimulcastOffer(['a=rid:lo send', 'a=rid:hi send', 'a=simulcast:send lo;hi']), 'VP8');
    expect(offer.rids).toEqual(['lo', 'hi']);
  });

  it('returns only send rids', () => {
    const offer = preparePublishOffer(
      chromeSimulcastOffer(['a=rid:q send', 'a=rid:x recv', 'a=rid:f send', 'a=simulcast:send q;f recv x']),
      'VP8',
    );
    expect(offer.rids).toEqual(['q', 'f']);
  });

  it('returns rids as strings, numeric ones included', () => {
    const offer = preparePublishOffer(chromeSimulcastOffer(['a=rid:0 send', 'a=rid:1 send', 'a=simulcast:send 0;1']), 'VP8');
    expect(offer.rids).toEqual(['0', '1']);
    for (const rid of offer.rids) expect(typeof rid).toBe('string');
  });

  it('returns no rids without simulcast', () => {
    expect(preparePublishOffer(chromeSimulcastOffer([]), 'VP8').rids).toEqual([]);
    expect(preparePublishOffer(CHROME_AUDIO_OFFER, 'opus').rids).toEqual([]);
  });

  it('keeps the rid and simulcast lines in the reduced offer', () => {
    const offer = preparePublishOffer(chromeSimulcastOffer(), 'VP8');
    const media = parse(offer.sdp).media[0];
    expect(media?.rids).toEqual([
      { id: 'q', direction: 'send' },
      { id: 'h', direction: 'send' },
      { id: 'f', direction: 'send' },
    ]);
    expect(media?.simulcast).toEqual({ dir1: 'send', list1: 'q;h;f' });
    expect(String(media?.payloads)).toBe('96');
  });

  it('returns the ids of the rid and transport-cc extensions', () => {
    const offer = preparePublishOffer(chromeSimulcastOffer(), 'VP8');
    expect(offer.extensions).toEqual({ rid: 10, transportCc: 4 });
    expect(offer.extensions).not.toHaveProperty('audioLevel');
  });

  it('does not take the repaired-rtp-stream-id for the rid extension', () => {
    // repaired-rtp-stream-id contains "rtp-stream-id"; a substring match would be wrong.
    const offer = sdp([
      ...SESSION,
      ...VIDEO_HEAD.filter((l) => !l.startsWith('a=extmap:10 ')),
      'a=rid:q send',
      'a=rid:f send',
      'a=simulcast:send q;f',
    ]);
    const result = preparePublishOffer(offer, 'VP8');
    expect(result.extensions.rid).toBeUndefined();
  });

  it('returns the audio level and transport-cc ids of an audio offer', () => {
    const offer = preparePublishOffer(CHROME_AUDIO_OFFER, 'opus');
    expect(offer.extensions).toEqual({ audioLevel: 1, transportCc: 3 });
    expect(offer.kind).toBe('audio');
    expect(offer.payloadType).toBe(111);
  });

  it('returns no extension ids when the offer has no extmap lines', () => {
    const offer = sdp([...SESSION, ...VIDEO_HEAD.filter((l) => !l.startsWith('a=extmap:'))]);
    expect(preparePublishOffer(offer, 'VP8').extensions).toEqual({});
  });
});

describe('extensionIds', () => {
  it('maps each known URI to its id', () => {
    expect(
      extensionIds([
        { value: 3, uri: EXTENSION_URIS.transportCc },
        { value: 12, uri: EXTENSION_URIS.rid },
        { value: 1, uri: EXTENSION_URIS.audioLevel },
      ]),
    ).toEqual({ rid: 12, transportCc: 3, audioLevel: 1 });
  });

  it('uses the registered URIs', () => {
    expect(EXTENSION_URIS).toEqual({
      rid: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
      transportCc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
    });
  });

  it('ignores URIs it does not read', () => {
    expect(
      extensionIds([
        { value: 2, uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time' },
        { value: 9, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' },
        { value: 11, uri: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id' },
        { value: 15, uri: 'http://www.webrtc.org/experiments/rtp-hdrext/transport-wide-cc-02' },
      ]),
    ).toEqual({});
  });

  it('is empty for no extmap lines', () => {
    expect(extensionIds(undefined)).toEqual({});
    expect(extensionIds([])).toEqual({});
  });

  it('takes the first line when a URI is listed twice', () => {
    expect(
      extensionIds([
        { value: 4, uri: EXTENSION_URIS.transportCc },
        { value: 14, uri: EXTENSION_URIS.transportCc },
      ]),
    ).toEqual({ transportCc: 4 });
  });
});
