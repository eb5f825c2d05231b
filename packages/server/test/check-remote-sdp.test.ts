import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { checkRemoteSdp, midsOf, REMOTE_SDP_LIMITS } from '../src/sfu/sdp/check-remote-sdp.ts';
import { preparePublishOffer } from '../src/sfu/sdp/publish-offer.ts';
import { SdpError } from '../src/sfu/sdp/sdp-error.ts';
import {
  CHROME_RECEIVE_ANSWER,
  CHROME_SIMULCAST_OFFER,
  LIBDATACHANNEL_RECEIVE_ANSWER,
  LIBDATACHANNEL_SIMULCAST_OFFER,
  SFU_RECEIVE_OFFER,
} from './helpers/real-sdp.ts';

const OFFER = { type: 'offer', mediaSections: 1 } as const;
const ANSWER_0_1 = { type: 'answer', mids: ['0', '1'] } as const;

/** Replaces the first line starting with `prefix` (or appends `replacement` after line `after`). */
function edit(text: string, prefix: string, replacement: string | null): string {
  const lines = text.split('\r\n');
  const index = lines.findIndex((l) => l.startsWith(prefix));
  if (index < 0) throw new Error(`no line ${prefix}`);
  if (replacement === null) lines.splice(index, 1);
  else lines[index] = replacement;
  return lines.join('\r\n');
}

function insertAfter(text: string, prefix: string, ...added: string[]): string {
  const lines = text.split('\r\n');
  const index = lines.findIndex((l) => l.startsWith(prefix));
  if (index < 0) throw new Error(`no line ${prefix}`);
  lines.splice(index + 1, 0, ...added);
  return lines.join('\r\n');
}

function refusal(text: string, expect: Parameters<typeof checkRemoteSdp>[1] = OFFER): string {
  try {
    checkRemoteSdp(text, expect);
  } catch (error) {
    expect_(error).toBeInstanceOf(SdpError);
    return (error as SdpError).message;
  }
  throw new Error('the SDP was accepted');
}
const expect_ = expect;

describe('checkRemoteSdp: real descriptions pass', () => {
  it("accepts Chrome's simulcast publish offer and returns it re-serialised", () => {
    const checked = checkRemoteSdp(CHROME_SIMULCAST_OFFER, OFFER);
    expect(parse(checked.sdp)).toEqual(parse(CHROME_SIMULCAST_OFFER));
    expect(checked.session.media[0]?.rids).toHaveLength(3);
  });

  it("accepts the bots' (libdatachannel) publish offer", () => {
    expect(() => checkRemoteSdp(LIBDATACHANNEL_SIMULCAST_OFFER, OFFER)).not.toThrow();
  });

  it("accepts Chrome's and the bots' answers to the SFU's offer", () => {
    expect(() => checkRemoteSdp(CHROME_RECEIVE_ANSWER, ANSWER_0_1)).not.toThrow();
    expect(() =>
      checkRemoteSdp(LIBDATACHANNEL_RECEIVE_ANSWER, { type: 'answer', mids: midsOf(SFU_RECEIVE_OFFER) }),
    ).not.toThrow();
  });

  it('hands the engine what preparePublishOffer makes of the checked offer', () => {
    const checked = checkRemoteSdp(CHROME_SIMULCAST_OFFER, OFFER);
    expect(preparePublishOffer(checked.sdp, 'VP8')).toEqual(preparePublishOffer(CHROME_SIMULCAST_OFFER, 'VP8'));
  });

  it('lists the mids of an offer in order', () => {
    expect(midsOf(SFU_RECEIVE_OFFER)).toEqual(['0']);
    expect(midsOf(CHROME_RECEIVE_ANSWER)).toEqual(['0', '1']);
  });
});

describe('checkRemoteSdp: what it refuses, with a clear message', () => {
  it('refuses lines of unknown types and control characters; leaves out attributes it does not read', () => {
    expect(refusal(insertAfter(CHROME_SIMULCAST_OFFER, 's=', 'x=1'))).toMatch(/line 4 is not an SDP line of a known type/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 's=', 's=a\u0000b'))).toMatch(/line 3 is not an SDP line/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 's=', 's=caf\u00e9'))).toMatch(/not an SDP line/);
    // Unknown attributes (browsers add new ones, e.g. a=rtcp-xr) never reach the engine.
    const custom = checkRemoteSdp(
      insertAfter(insertAfter(CHROME_SIMULCAST_OFFER, 'a=mid:', 'a=x-custom:1'), 't=', 'a=x-session'),
      {
        type: 'offer',
        mediaSections: 1,
      },
    ).sdp;
    expect(custom).not.toContain('x-custom');
    expect(custom).not.toContain('x-session');
    expect(refusal(insertAfter(CHROME_SIMULCAST_OFFER, 's=', ''))).toMatch(/line 4/);
  });

  it('refuses what does not start with v=0, or lacks o= or t=', () => {
    expect(refusal('garbage')).toMatch(/must start with v=0/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'o=', null))).toMatch(/o= or t=/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 't=', 't=now'))).toMatch(/o= or t=/);
  });

  it('bounds the length of the SDP and of each line', () => {
    expect(refusal(`${CHROME_SIMULCAST_OFFER}a=${'x'.repeat(REMOTE_SDP_LIMITS.bytes)}\r\n`)).toMatch(/longer than 32768/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=msid:', `a=msid:${'x'.repeat(1100)} y`))).toMatch(/longer than 1024/);
  });

  it('checks the number of media sections and their mids', () => {
    expect(refusal(CHROME_RECEIVE_ANSWER, OFFER)).toMatch(/expected 1 media section\(s\), found 2/);
    expect(refusal(CHROME_RECEIVE_ANSWER, { type: 'answer', mids: ['0'] })).toMatch(/expected 1 media sections \(as offered\)/);
    expect(refusal(CHROME_RECEIVE_ANSWER, { type: 'answer', mids: ['0', '2'] })).toMatch(/m-line 2: expected mid 2, found 1/);
    const sameMid = CHROME_RECEIVE_ANSWER.replace('a=mid:1', 'a=mid:0').replace('BUNDLE 0 1', 'BUNDLE 0');
    expect(refusal(sameMid, { type: 'answer' })).toMatch(/mid 0 is used twice/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=mid:', null))).toMatch(/has no a=mid/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=mid:', `a=mid:${'m'.repeat(17)}`))).toMatch(/a mid is 1-16/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=group:', 'a=group:BUNDLE 0 7'))).toMatch(/a=group names mid 7/);
  });

  it('accepts only audio and video sections with a sane m= line', () => {
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'm=', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel'))).toMatch(
      /only audio and video/,
    );
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'm=', 'm=video 9 UDP/TLS/RTP/SAVPF 96 300'))).toMatch(/bad payload type list/);
    const many = Array.from({ length: 65 }, (_, i) => i).join(' ');
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'm=', `m=video 9 UDP/TLS/RTP/SAVPF ${many}`))).toMatch(/at most 64 payload/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=rtpmap:45', 'a=rtpmap:44 AV1/90000'))).toMatch(/a=rtpmap for payload type 44/);
  });

  it('wants exactly one sha-256 fingerprint', () => {
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=fingerprint:', null))).toMatch(/exactly one sha-256/);
    const sha1 = 'a=fingerprint:sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB';
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=fingerprint:', sha1))).toMatch(/one sha-256 digest/);
    expect(refusal(insertAfter(CHROME_SIMULCAST_OFFER, 'a=fingerprint:', sha1))).toMatch(/a=fingerprint appears twice/);
    const at = CHROME_RECEIVE_ANSWER.lastIndexOf('a=fingerprint:sha-256 1F');
    const other = `${CHROME_RECEIVE_ANSWER.slice(0, at)}a=fingerprint:sha-256 2F${CHROME_RECEIVE_ANSWER.slice(at + 24)}`;
    expect(refusal(other, ANSWER_0_1)).toMatch(/exactly one sha-256 DTLS fingerprint/);
  });

  it('wants ICE credentials of legal length and characters (RFC 8839), one pair for the bundle', () => {
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=ice-ufrag:', 'a=ice-ufrag:abc'))).toMatch(/ufrag must be 4-256/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=ice-ufrag:', 'a=ice-ufrag:ab-d'))).toMatch(/ufrag must be 4-256/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=ice-pwd:', 'a=ice-pwd:short'))).toMatch(/password must be 22-256/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=ice-pwd:', null))).toMatch(/password must be 22-256/);
    const split = CHROME_RECEIVE_ANSWER.replace(
      /a=ice-ufrag:Bq2v([\s\S]*)a=ice-ufrag:Bq2v/,
      'a=ice-ufrag:Bq2v$1a=ice-ufrag:Zz9z',
    );
    expect(refusal(split, ANSWER_0_1)).toMatch(/share one ICE ufrag/);
  });

  it('refuses a second value of a one-value attribute, which sdp-transform would silently drop', () => {
    expect(refusal(insertAfter(CHROME_SIMULCAST_OFFER, 'a=sendonly', 'a=recvonly'))).toMatch(/a=direction appears twice/);
    expect(refusal(insertAfter(CHROME_SIMULCAST_OFFER, 'a=ice-ufrag:', 'a=ice-ufrag:Zz9z'))).toMatch(/a=ice-ufrag appears twice/);
  });

  it('allows at most three rids, each legal and named once, and a simulcast line naming only them', () => {
    const four = insertAfter(CHROME_SIMULCAST_OFFER, 'a=rid:f', 'a=rid:x send');
    expect(refusal(four)).toMatch(/at most 3 simulcast layers/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=rid:f', 'a=rid:q send'))).toMatch(/rid q is named twice/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=rid:f', `a=rid:${'f'.repeat(17)} send`))).toMatch(/a rid is 1-16/);
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=simulcast:', 'a=simulcast:send q;h;z'))).toMatch(/only name the a=rid layers/);
    expect(() => checkRemoteSdp(edit(CHROME_SIMULCAST_OFFER, 'a=simulcast:', 'a=simulcast:send q;~h,f'), OFFER)).not.toThrow();
  });

  it('wants header extension ids 1-14, each once', () => {
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=extmap:1 ', 'a=extmap:15 urn:ietf:params:rtp-hdrext:toffset'))).toMatch(
      /a=extmap ids are 1-14/,
    );
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=extmap:1 ', 'a=extmap:0 urn:ietf:params:rtp-hdrext:toffset'))).toMatch(
      /ids are 1-14/,
    );
    expect(refusal(edit(CHROME_SIMULCAST_OFFER, 'a=extmap:1 ', 'a=extmap:2 urn:ietf:params:rtp-hdrext:toffset'))).toMatch(
      /id 2 is used twice/,
    );
  });

  it('bounds candidates and SSRC lines, and reads a lone ssrc-group number right', () => {
    const candidates = Array.from({ length: 33 }, (_, i) => `a=candidate:${i} 1 udp 2122260223 192.0.2.1 ${5000 + i} typ host`);
    expect(refusal(insertAfter(CHROME_SIMULCAST_OFFER, 'a=mid:', ...candidates))).toMatch(/too many candidates/);
    const ssrcs = Array.from({ length: 65 }, (_, i) => `a=ssrc:${i + 1} cname:x`);
    expect(refusal(insertAfter(CHROME_SIMULCAST_OFFER, 'a=mid:', ...ssrcs))).toMatch(/too many a=ssrc lines/);
    expect(() => checkRemoteSdp(insertAfter(CHROME_SIMULCAST_OFFER, 'a=mid:', 'a=ssrc-group:FID 1234'), OFFER)).not.toThrow();
    expect(refusal(insertAfter(CHROME_SIMULCAST_OFFER, 'a=mid:', 'a=ssrc-group:FID 1 x'))).toMatch(/bad a=ssrc-group/);
  });

  it('refuses an answer that leaves the DTLS role open', () => {
    expect(refusal(CHROME_RECEIVE_ANSWER.replaceAll('a=setup:active', 'a=setup:actpass'), ANSWER_0_1)).toMatch(
      /answer cannot say a=setup:actpass/,
    );
  });

  it('refuses anything but a string without throwing something else', () => {
    expect(refusal(42 as unknown as string)).toMatch(/not text/);
  });
});
