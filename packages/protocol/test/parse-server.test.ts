import { describe, expect, it } from 'vitest';
import { HelloResult, JoinResult, PublishResult, parseResult, parseServerMessage } from '../src/index.ts';
import { failure, SDP, server, success } from './parse-helpers.ts';

describe('parseServerMessage', () => {
  const member = {
    id: 'm1',
    name: 'Ann',
    audioMuted: false,
    videoMuted: true,
    screenSharing: false,
    role: 'participant',
    hand: 3,
  };
  const valid: Record<string, Record<string, unknown>> = {
    ok: { type: 'ok', id: 1, result: { protocol: 1, server: 'sotto' } },
    error: { type: 'error', id: 2, code: 'room-full', message: 'the room is full' },
    'error without id': { type: 'error', id: null, code: 'bad-json', message: 'the frame is not valid JSON' },
    'member-joined': { type: 'member-joined', member },
    'member-left': { type: 'member-left', memberId: 'm1' },
    removed: { type: 'removed', reason: 'media-lost' },
    'member-updated': { type: 'member-updated', member },
    tracks: {
      type: 'tracks',
      slots: [
        { mid: '0', kind: 'audio', memberId: 'm1', source: 'microphone' },
        { mid: '1', kind: 'video', memberId: null, source: null },
      ],
    },
    offer: { type: 'offer', revision: 3, sdp: SDP },
    relay: { type: 'relay', from: 'm2', payload: 'AAEC' },
  };

  for (const [label, message] of Object.entries(valid)) {
    it(`accepts ${label}`, () => {
      expect(success(server(message))).toEqual(message);
    });
  }

  it('accepts an ok with any result value', () => {
    for (const result of [null, {}, 'text', 0, [1, 2]]) {
      expect(success(server({ type: 'ok', id: 1, result }))).toEqual({ type: 'ok', id: 1, result });
    }
  });

  it('rejects an ok without an id', () => {
    expect(failure(server({ type: 'ok', result: {} })).message).toMatch(/^id: /);
  });

  it('rejects an unknown server type and keeps the id', () => {
    const result = failure(server({ type: 'welcome', id: 5 }));
    expect(result.code).toBe('bad-message');
    expect(result.id).toBe(5);
    expect(result.message).toMatch(/^type: /);
  });

  it('rejects bad JSON', () => {
    expect(parseServerMessage('{"type":')).toEqual({
      ok: false,
      code: 'bad-json',
      message: 'the frame is not valid JSON',
      id: null,
    });
  });

  it('rejects an error with an unknown code', () => {
    const result = failure(server({ type: 'error', id: 1, code: 'teapot', message: 'x' }));
    expect(result.message).toMatch(/^code: /);
  });

  it('rejects a member with a wrong field type and names the nested path', () => {
    const result = failure(server({ type: 'member-joined', member: { ...member, audioMuted: 1 } }));
    expect(result.message).toMatch(/^member\.audioMuted: /);
  });

  it('rejects a track slot with an unknown source', () => {
    const result = failure(server({ type: 'tracks', slots: [{ mid: '0', kind: 'video', memberId: 'm1', source: 'window' }] }));
    expect(result.message).toMatch(/^slots\.0\.source: /);
  });

  it('rejects an offer with a negative revision', () => {
    expect(failure(server({ type: 'offer', revision: -1, sdp: SDP })).message).toMatch(/^revision: /);
  });

  it('rejects a relay event from a malformed member id', () => {
    expect(failure(server({ type: 'relay', from: '../m', payload: '' })).message).toMatch(/^from: /);
  });
});

describe('parseResult', () => {
  it('returns a valid hello result', () => {
    expect(parseResult(HelloResult, { protocol: 1, server: 'sotto 0.1.0' })).toEqual({ protocol: 1, server: 'sotto 0.1.0' });
  });

  it('returns a valid join result', () => {
    const result = {
      self: { id: 'me', name: 'Me', audioMuted: false, videoMuted: false, screenSharing: false, role: 'moderator', hand: null },
      members: [
        { id: 'you', name: 'You', audioMuted: true, videoMuted: false, screenSharing: true, role: 'participant', hand: 1 },
      ],
      e2ee: true,
      resumeToken: 'AbCdEfGhIjKlMnOpQrStUv',
      settings: { locked: false, lobby: true, passwordSet: false },
    };
    expect(parseResult(JoinResult, result)).toEqual(result);
    const turn = { urls: ['turn:turn.example.org:3478'], username: '1764500000:me', credential: 'c' };
    expect(parseResult(JoinResult, { ...result, iceServers: [turn] }).iceServers).toEqual([turn]);
    // A server cannot point the client at an endless list of relays.
    expect(() => parseResult(JoinResult, { ...result, iceServers: Array(5).fill(turn) })).toThrow(/iceServers/);
  });

  it('throws naming the bad field', () => {
    expect(() => parseResult(HelloResult, { protocol: '1', server: 'x' })).toThrow(/^invalid reply: protocol: /);
    expect(() => parseResult(PublishResult, { sdp: 'short' })).toThrow(/^invalid reply: sdp: /);
    expect(() => parseResult(JoinResult, { self: {}, members: [] })).toThrow(/invalid reply: self\.id: /);
  });

  it('throws for a missing result', () => {
    expect(() => parseResult(HelloResult, undefined)).toThrow(/^invalid reply: /);
  });
});
