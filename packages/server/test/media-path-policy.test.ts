import type { ServerMessage } from '@sotto/protocol';
import { relayOnlyCandidate, relayOnlySdp, strictest } from '@sotto/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaPathPolicy } from '../src/conference/media-path-policy.ts';
import { ProtocolError } from '../src/errors.ts';

const turnFor = (id: string) => [{ urls: ['turn:turn.test:3478'], username: `exp:${id}`, credential: `hmac-${id}` }];

function setup(mode: 'off' | 'relay' | 'direct', withTurn = true) {
  const sent: Array<[string, ServerMessage]> = [];
  const policy = new MediaPathPolicy(mode, (id, m) => sent.push([id, m]), {
    delayMs: 1000,
    ...(withTurn ? { credentials: turnFor } : {}),
  });
  return { policy, sent, take: () => sent.splice(0) };
}

describe('MediaPathPolicy', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('strictest picks the most private mode', () => {
    expect(strictest('direct', 'relay')).toBe('relay');
    expect(strictest('direct', 'direct')).toBe('direct');
    expect(strictest('relay', 'off', 'direct')).toBe('off');
  });

  it('two members go peer to peer after the delay; the first is the offerer', () => {
    const { policy, take } = setup('direct');
    policy.memberJoined('a', 'direct');
    policy.memberJoined('b', 'direct');
    vi.advanceTimersByTime(999);
    expect(take()).toEqual([]);
    vi.advanceTimersByTime(1);
    // Each of the two gets TURN credentials of its own, with the session, and nobody else any.
    expect(take()).toEqual([
      ['a', { type: 'media-path', path: 'p2p', session: 1, peer: 'b', mode: 'direct', offerer: true, iceServers: turnFor('a') }],
      ['b', { type: 'media-path', path: 'p2p', session: 1, peer: 'a', mode: 'direct', offerer: false, iceServers: turnFor('b') }],
    ]);
  });

  it('relay without TURN counts as off: nobody is sent into a peer-to-peer session that cannot connect', () => {
    const { policy, take } = setup('relay', false);
    policy.memberJoined('a', 'relay');
    policy.memberJoined('b', 'relay');
    vi.advanceTimersByTime(5000);
    expect(take()).toEqual([]);
    const direct = setup('direct', false);
    direct.policy.memberJoined('a', 'direct');
    direct.policy.memberJoined('b', 'direct');
    vi.advanceTimersByTime(1000);
    expect(direct.take()[0]?.[1]).toMatchObject({ path: 'p2p', mode: 'direct', iceServers: [] });
  });

  it('a third member sends the pair back to the bridge at once; two again → peer to peer again', () => {
    const { policy, take } = setup('direct');
    policy.memberJoined('a', 'direct');
    policy.memberJoined('b', 'direct');
    vi.advanceTimersByTime(1000);
    take();
    policy.memberJoined('c', 'direct');
    expect(take()).toEqual([
      ['a', { type: 'media-path', path: 'bridge' }],
      ['b', { type: 'media-path', path: 'bridge' }],
    ]);
    policy.memberLeft('c');
    vi.advanceTimersByTime(1000);
    expect(take().map(([id, m]) => [id, m.type === 'media-path' && m.path === 'p2p' ? m.session : null])).toEqual([
      ['a', 2],
      ['b', 2],
    ]);
  });

  it('the strictest of the room and both members decides; off anywhere keeps the bridge', () => {
    const relay = setup('direct');
    relay.policy.memberJoined('a', 'direct');
    relay.policy.memberJoined('b', 'relay');
    vi.advanceTimersByTime(1000);
    expect(relay.take()[0]?.[1]).toMatchObject({ path: 'p2p', mode: 'relay' });

    const off = setup('direct');
    off.policy.memberJoined('a', 'direct');
    off.policy.memberJoined('bot', 'off');
    vi.advanceTimersByTime(5000);
    expect(off.take()).toEqual([]);

    const room = setup('off');
    room.policy.memberJoined('a', 'direct');
    room.policy.memberJoined('b', 'direct');
    vi.advanceTimersByTime(5000);
    expect(room.take()).toEqual([]);
  });

  it('relays signals only within the current session, stripping addresses in relay mode', () => {
    const { policy, take } = setup('relay');
    policy.memberJoined('a', 'relay');
    policy.memberJoined('b', 'relay');
    vi.advanceTimersByTime(1000);
    take();
    const host = 'candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host generation 0';
    const srflx = 'candidate:2 1 udp 1686052607 203.0.113.7 54321 typ srflx raddr 192.168.1.20 rport 54321';
    const relay = 'candidate:3 1 udp 41885439 198.51.100.1 50000 typ relay raddr 203.0.113.7 rport 54321 generation 0';
    policy.signal('a', { session: 1, candidate: { candidate: host, mid: '0' } });
    policy.signal('a', { session: 1, candidate: { candidate: srflx, mid: '0' } });
    policy.signal('a', { session: 1, candidate: { candidate: relay, mid: '0' } });
    const sent = take();
    expect(sent).toHaveLength(1);
    const text = JSON.stringify(sent);
    expect(text).toContain('198.51.100.1');
    expect(text).not.toContain('203.0.113.7');
    expect(text).not.toContain('192.168.1.20');
    expect(() => policy.signal('a', { session: 7, candidate: { candidate: relay, mid: '0' } })).toThrow(ProtocolError);
    expect(() => policy.signal('zed', { session: 1, candidate: { candidate: relay, mid: '0' } })).toThrow(ProtocolError);
  });
});

describe('relay-mode sanitizing', () => {
  it('keeps only relay candidates and blanks their related address', () => {
    expect(relayOnlyCandidate('candidate:1 1 udp 2122260223 10.0.0.5 5000 typ host')).toBeNull();
    expect(relayOnlyCandidate('candidate:1 1 udp 2122260223 10.0.0.5 5000 typ prflx raddr 1.2.3.4 rport 9')).toBeNull();
    expect(relayOnlyCandidate('candidate:3 1 udp 41885439 198.51.100.1 50000 typ relay raddr 203.0.113.7 rport 54321')).toBe(
      'candidate:3 1 udp 41885439 198.51.100.1 50000 typ relay raddr 0.0.0.0 rport 0',
    );
  });

  it('removes every address from an SDP but the relay candidates', () => {
    const sdp = [
      'v=0',
      'o=- 4611731400430051336 2 IN IP4 10.0.0.5',
      's=-',
      't=0 0',
      'a=group:BUNDLE 0',
      'm=audio 54321 UDP/TLS/RTP/SAVPF 111',
      'c=IN IP4 203.0.113.7',
      'a=rtcp:9 IN IP4 10.0.0.5',
      'a=candidate:1 1 udp 2122260223 10.0.0.5 54321 typ host generation 0',
      'a=candidate:2 1 udp 1686052607 203.0.113.7 54321 typ srflx raddr 10.0.0.5 rport 54321 generation 0',
      'a=candidate:3 1 udp 41885439 198.51.100.1 50000 typ relay raddr 203.0.113.7 rport 54321 generation 0',
      'a=mid:0',
      'a=sendrecv',
      'a=rtpmap:111 opus/48000/2',
      '',
    ].join('\r\n');
    const clean = relayOnlySdp(sdp);
    expect(clean).not.toContain('10.0.0.5');
    expect(clean).not.toContain('203.0.113.7');
    expect(clean).toContain('198.51.100.1 50000 typ relay raddr 0.0.0.0 rport 0');
    expect(clean).toContain('a=rtpmap:111 opus/48000/2');
    expect(clean).toContain('m=audio 9 ');
  });
});
