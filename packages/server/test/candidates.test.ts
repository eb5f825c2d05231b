import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { announceCandidates } from '../src/sfu/sdp/candidates.ts';

/** An answer as the engine (libjuice) writes it: several local candidates on one bundled transport. */
const ANSWER = [
  'v=0',
  'o=rtc 2721410532 0 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=msid-semantic:WMS *',
  'a=setup:passive',
  'a=ice-ufrag:aBcD',
  'a=ice-pwd:0123456789abcdefghijkl',
  'a=ice-options:ice2,trickle',
  'a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00',
  'm=video 10000 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 192.168.1.20',
  'a=mid:0',
  'a=recvonly',
  'a=rtcp-mux',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 nack',
  'a=candidate:1 1 UDP 2122317823 192.168.1.20 10000 typ host',
  'a=candidate:2 1 UDP 2122317567 10.8.0.3 10000 typ host',
  'a=candidate:3 1 UDP 2122187007 fd00::1234 10000 typ host',
  'a=candidate:4 1 UDP 1686052607 198.51.100.9 10000 typ srflx raddr 192.168.1.20 rport 10000',
  'a=end-of-candidates',
  'm=audio 10000 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=recvonly',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  '',
].join('\r\n');

function candidateLines(sdp: string): string[] {
  return sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
}

describe('announceCandidates', () => {
  it('replaces all candidates with one host candidate on the IPv4 address and port', () => {
    const out = announceCandidates(ANSWER, '203.0.113.7', 40000);
    expect(candidateLines(out)).toEqual(['a=candidate:1 1 UDP 2122317823 203.0.113.7 40000 typ host']);
    const video = parse(out).media[0];
    expect(video?.candidates).toEqual([
      { foundation: 1, component: 1, transport: 'UDP', priority: 2122317823, ip: '203.0.113.7', port: 40000, type: 'host' },
    ]);
    expect(video?.connection).toEqual({ version: 4, ip: '203.0.113.7' });
    expect(out).toContain('c=IN IP4 203.0.113.7\r\n');
  });

  it('uses IP6 in the connection line for an IPv6 address', () => {
    const out = announceCandidates(ANSWER, '2001:db8::7', 10000);
    expect(candidateLines(out)).toEqual(['a=candidate:1 1 UDP 2122317823 2001:db8::7 10000 typ host']);
    expect(parse(out).media[0]?.connection).toEqual({ version: 6, ip: '2001:db8::7' });
    expect(out).toContain('c=IN IP6 2001:db8::7\r\n');
  });

  it('removes every previous address', () => {
    const out = announceCandidates(ANSWER, '203.0.113.7', 10000);
    for (const old of ['192.168.1.20 10000', '10.8.0.3', 'fd00::1234', '198.51.100.9', 'srflx', 'raddr']) {
      expect(out).not.toContain(old);
    }
  });

  it('leaves m-lines without candidates alone', () => {
    const out = announceCandidates(ANSWER, '203.0.113.7', 10000);
    const audio = parse(out).media[1];
    expect(audio?.candidates).toBeUndefined();
    expect(audio?.connection).toEqual({ version: 4, ip: '0.0.0.0' });
  });

  it('replaces candidates in every m-line that has them', () => {
    const both = ANSWER.replace(
      'a=rtpmap:111 opus/48000/2\r\n',
      'a=rtpmap:111 opus/48000/2\r\na=candidate:9 1 UDP 2122317823 192.168.1.20 10000 typ host\r\n',
    );
    const out = announceCandidates(both, '198.51.100.1', 12345);
    expect(candidateLines(out)).toEqual([
      'a=candidate:1 1 UDP 2122317823 198.51.100.1 12345 typ host',
      'a=candidate:1 1 UDP 2122317823 198.51.100.1 12345 typ host',
    ]);
    expect(out.match(/^c=IN IP4 198\.51\.100\.1\r$/gm)).toHaveLength(2);
  });

  it('keeps everything else of the SDP', () => {
    const out = announceCandidates(ANSWER, '203.0.113.7', 10000);
    for (const line of [
      'a=group:BUNDLE 0 1',
      'a=ice-ufrag:aBcD',
      'a=ice-pwd:0123456789abcdefghijkl',
      'a=setup:passive',
      'a=rtpmap:96 VP8/90000',
      'a=rtcp-fb:96 nack',
      'a=rtpmap:111 opus/48000/2',
      'a=end-of-candidates',
      'm=video 10000 UDP/TLS/RTP/SAVPF 96',
    ]) {
      expect(out).toContain(`${line}\r\n`);
    }
    expect(parse(out).media.map((m) => String(m.mid))).toEqual(['0', '1']);
  });

  it('returns an SDP without candidates unchanged in substance', () => {
    const none = ANSWER.split('\r\n')
      .filter((l) => !l.startsWith('a=candidate:'))
      .join('\r\n');
    const out = announceCandidates(none, '203.0.113.7', 10000);
    expect(candidateLines(out)).toEqual([]);
    expect(out).not.toContain('203.0.113.7');
    expect(parse(out)).toEqual(parse(none));
  });
});
