import { describe, expect, it } from 'vitest';
import { relayOnlyCandidate, relayOnlySdp } from '../src/relay-only.ts';

const SDP = [
  'v=0',
  'o=- 1 2 IN IP4 192.0.2.10',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 54400 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 192.0.2.10',
  'a=rtcp:9 IN IP4 192.0.2.10',
  'a=mid:0',
  'a=candidate:1 1 udp 2122260223 192.0.2.10 54400 typ host generation 0',
  'a=candidate:2 1 udp 41885439 203.0.113.5 3478 typ relay raddr 198.51.100.20 rport 46154 generation 0',
  'a=rtpmap:111 opus/48000/2',
  '',
].join('\r\n');

/** Every dotted-quad in `text` that is not a blank or the TURN server's. */
function leaks(text: string): string[] {
  return (text.match(/\d+\.\d+\.\d+\.\d+/g) ?? []).filter((ip) => !['0.0.0.0', '127.0.0.1', '203.0.113.5'].includes(ip));
}

describe('relayOnlySdp', () => {
  it('keeps only relay candidates, with their related address blanked, and no address in c=, o= or a=rtcp', () => {
    const out = relayOnlySdp(SDP);
    expect(leaks(out)).toEqual([]);
    expect(out).toContain('a=candidate:2 1 udp 41885439 203.0.113.5 3478 typ relay raddr 0.0.0.0 rport 0 generation 0');
  });

  describe('found by fuzzing', () => {
    it('drops lines sdp-transform cannot read (a candidate in a form it does not know passed verbatim)', () => {
      const odd = SDP.replace(
        'a=rtpmap:',
        'a=candidate:3 1 udp high 192.0.2.10 5000 typ host\r\na=x-unknown:192.0.2.11\r\na=rtpmap:',
      );
      const session = odd.replace('s=-', 's=-\r\na=x-session:192.0.2.12');
      const out = relayOnlySdp(session);
      expect(leaks(out)).toEqual([]);
      expect(out).not.toContain('x-unknown');
    });

    it('leaves only lines that read back, even those sdp-transform writes itself', () => {
      const huge = SDP.replace('a=rtpmap:111 opus/48000/2', `a=rtpmap:111 opus/48000/2\r\na=fmtp:${'9'.repeat(400)} minptime=10`);
      const out = relayOnlySdp(huge);
      expect(out).not.toContain('Infinity');
      expect(relayOnlySdp(out)).toBe(out);
    });

    it('drops a=remote-candidates and session-level candidates', () => {
      const withRemote = SDP.replace('a=mid:0', 'a=mid:0\r\na=remote-candidates:1 192.0.2.10 54400');
      const sessionLevel = SDP.replace('t=0 0', 't=0 0\r\na=candidate:9 1 udp 2122260223 192.0.2.13 5000 typ host');
      expect(leaks(relayOnlySdp(withRemote))).toEqual([]);
      expect(leaks(relayOnlySdp(sessionLevel))).toEqual([]);
    });
  });
});

describe('relayOnlyCandidate: found by fuzzing', () => {
  it('blanks every raddr and rport, not just the first', () => {
    const out = relayOnlyCandidate(
      'candidate:3 1 udp 1 198.51.100.1 5 typ relay raddr 0.0.0.0 rport 0 raddr 192.0.2.10 rport 54400',
    );
    expect(out).toBe('candidate:3 1 udp 1 198.51.100.1 5 typ relay raddr 0.0.0.0 rport 0 raddr 0.0.0.0 rport 0');
  });

  it('reads the fields by position: typ where RFC 8839 puts it, then name-value pairs', () => {
    expect(relayOnlyCandidate('candidate:3 1 udp 1 198.51.100.1 5 raddr typ relay')).toBeNull();
    expect(relayOnlyCandidate('candidate:3 1 udp 1 192.0.2.10 typ relay raddr')).toBeNull();
    expect(relayOnlyCandidate('candidate:3 1 udp 1 198.51.100.1 5 typ relay raddr 192.0.2.10 rport')).toBeNull();
    const chrome =
      'candidate:1 1 udp 41885439 203.0.113.5 3478 typ relay raddr 198.51.100.20 rport 46154 generation 0 ufrag EsAw network-id 1 network-cost 10';
    expect(relayOnlyCandidate(chrome)).toBe(
      'candidate:1 1 udp 41885439 203.0.113.5 3478 typ relay raddr 0.0.0.0 rport 0 generation 0 ufrag EsAw network-id 1 network-cost 10',
    );
    expect(
      relayOnlyCandidate('candidate:2 1 tcp 25108735 203.0.113.5 443 typ relay raddr 192.0.2.1 rport 9 tcptype passive'),
    ).toBe('candidate:2 1 tcp 25108735 203.0.113.5 443 typ relay raddr 0.0.0.0 rport 0 tcptype passive');
  });
});
