import { describe, expect, it } from 'vitest';
import {
  CLIENT_MESSAGE_TYPES,
  HelloResult,
  MAX_NAME_LENGTH,
  MAX_RELAY_PAYLOAD_LENGTH,
  MAX_SDP_LENGTH,
  PROTOCOL_VERSION,
  parseClientMessage,
  parseResult,
} from '../src/index.ts';
import { client, failure, SDP, server, success } from './parse-helpers.ts';

describe('parseClientMessage: valid messages', () => {
  const valid: Record<string, Record<string, unknown>> = {
    hello: { type: 'hello', id: 0, protocol: PROTOCOL_VERSION },
    join: { type: 'join', id: 1, room: 'team-standup_42', name: 'Ada Lovelace' },
    leave: { type: 'leave', id: 2 },
    resume: { type: 'resume', id: 2, token: 'AbCdEfGhIjKlMnOpQrStUv' },
    publish: { type: 'publish', id: 3, source: 'camera', sdp: SDP },
    unpublish: { type: 'unpublish', id: 4, source: 'screen' },
    answer: { type: 'answer', id: 5, revision: 0, sdp: SDP },
    candidate: {
      type: 'candidate',
      id: 6,
      connection: 'main',
      candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host',
      mid: '0',
    },
    mute: { type: 'mute', id: 7, kind: 'audio', muted: true },
    relay: { type: 'relay', id: 8, to: 'member_1-x', payload: 'aGVsbG8gd29ybGQ=' },
    view: { type: 'view', id: 9, sources: [{ memberId: 'member_1-x', source: 'camera', width: 640, height: 360 }] },
    pin: { type: 'pin', id: 10, memberIds: ['member_1-x'] },
    'restart-media': { type: 'restart-media', id: 11 },
    'ice-servers': { type: 'ice-servers', id: 11 },
    probe: { type: 'probe', id: 11, sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n' },
    'raise-hand': { type: 'raise-hand', id: 11, raised: true },
    moderate: { type: 'moderate', id: 11, action: { type: 'mute', memberId: 'member_1-x', kind: 'audio' } },
    knock: { type: 'knock', id: 11, room: 'team-room', name: 'Ann', password: 'secret' },
    'mls-key-package': { type: 'mls-key-package', id: 11, keyPackage: 'AAEABQAB' },
    'mls-create': { type: 'mls-create', id: 12 },
    'mls-commit': { type: 'mls-commit', id: 13, epoch: 3, commit: 'AAEAAg==', welcome: 'AAEAAw==', added: ['m1'], removed: [] },
    'p2p-signal': {
      type: 'p2p-signal',
      id: 14,
      session: 2,
      candidate: { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ relay', mid: '0' },
    },
  };

  it('covers every client message type', () => {
    expect(Object.keys(valid).sort()).toEqual([...CLIENT_MESSAGE_TYPES].sort());
  });

  for (const [type, message] of Object.entries(valid)) {
    it(`accepts a valid ${type}`, () => {
      expect(success(client(message))).toEqual(message);
    });
  }

  it('accepts an empty view (nothing rendered) and rejects bad sizes', () => {
    expect(success(client({ type: 'view', id: 1, sources: [] }))).toEqual({ type: 'view', id: 1, sources: [] });
    for (const size of [
      { width: -1, height: 10 },
      { width: 1.5, height: 10 },
      { width: 10, height: 20000 },
    ]) {
      const result = parseClientMessage(
        JSON.stringify({ type: 'view', id: 2, sources: [{ memberId: 'm1', source: 'camera', ...size }] }),
      );
      expect(result.ok).toBe(false);
    }
    const tooMany = Array.from({ length: 257 }, () => ({ memberId: 'm1', source: 'camera', width: 1, height: 1 }));
    expect(parseClientMessage(JSON.stringify({ type: 'view', id: 3, sources: tooMany })).ok).toBe(false);
  });

  it('accepts relay without a recipient (broadcast)', () => {
    const message = success(client({ type: 'relay', id: 1, payload: 'AAEC' }));
    expect(message).toEqual({ type: 'relay', id: 1, payload: 'AAEC' });
    expect('to' in message).toBe(false);
  });

  it('accepts every candidate connection name', () => {
    for (const connection of ['main', 'camera', 'screen']) {
      expect(client({ type: 'candidate', id: 1, connection, candidate: '', mid: '' }).ok).toBe(true);
    }
  });

  it('accepts mute for video and unmute', () => {
    expect(success(client({ type: 'mute', id: 1, kind: 'video', muted: false }))).toEqual({
      type: 'mute',
      id: 1,
      kind: 'video',
      muted: false,
    });
  });

  it('trims the display name', () => {
    const message = success(client({ type: 'join', id: 1, room: 'abc', name: '  Ann \t\n' }));
    expect(message).toMatchObject({ name: 'Ann' });
  });

  it('strips unknown keys', () => {
    const message = success(client({ type: 'leave', id: 9, extra: 'x' }));
    expect(message).toEqual({ type: 'leave', id: 9 });
  });

  it('accepts the largest request id', () => {
    expect(success(client({ type: 'leave', id: 2 ** 31 - 1 }))).toEqual({ type: 'leave', id: 2 ** 31 - 1 });
  });

  it('accepts room names of 3 and 64 characters', () => {
    expect(client({ type: 'join', id: 1, room: 'a1-', name: 'A' }).ok).toBe(true);
    expect(client({ type: 'join', id: 1, room: `A${'b'.repeat(63)}`, name: 'A' }).ok).toBe(true);
  });

  it(`accepts a name of exactly ${MAX_NAME_LENGTH} characters, also with surrounding spaces`, () => {
    const name = 'n'.repeat(MAX_NAME_LENGTH);
    expect(success(client({ type: 'join', id: 1, room: 'abc', name: `  ${name}  ` }))).toMatchObject({ name });
  });

  it(`accepts an SDP of exactly MAX_SDP_LENGTH (${MAX_SDP_LENGTH}) characters`, () => {
    const sdp = 'x'.repeat(MAX_SDP_LENGTH);
    expect(client({ type: 'publish', id: 1, source: 'camera', sdp }).ok).toBe(true);
  });

  it('accepts a relay payload of exactly MAX_RELAY_PAYLOAD_LENGTH base64 characters', () => {
    expect(MAX_RELAY_PAYLOAD_LENGTH % 4).toBe(0);
    const payload = 'A'.repeat(MAX_RELAY_PAYLOAD_LENGTH);
    expect(client({ type: 'relay', id: 1, payload }).ok).toBe(true);
  });
});

describe('parseClientMessage: frames that are not messages', () => {
  it.each(['', '{', 'not json', '{"type":"hello",}', "{'type':'hello'}"])('%j is bad-json with id null', (text) => {
    expect(parseClientMessage(text)).toEqual({
      ok: false,
      code: 'bad-json',
      message: 'the frame is not valid JSON',
      id: null,
    });
  });

  it('reports an unknown type as bad-message and keeps a usable id', () => {
    const result = failure(client({ type: 'subscribe', id: 17 }));
    expect(result.code).toBe('bad-message');
    expect(result.id).toBe(17);
    expect(result.message).toContain('"subscribe"');
  });

  it('reports a missing type as bad-message and keeps the id', () => {
    const result = failure(client({ id: 4 }));
    expect(result).toMatchObject({ code: 'bad-message', id: 4 });
  });

  it('reports a non-string type as bad-message', () => {
    expect(failure(client({ type: 5, id: 4 }))).toMatchObject({ code: 'bad-message', id: 4 });
  });

  it('cuts a long unknown type short in the message', () => {
    const result = failure(client({ type: 'z'.repeat(500), id: 1 }));
    expect(result.message.length).toBeLessThan(80);
  });

  it.each(['null', '42', '"hello"', '[]', '[{"type":"leave","id":1}]', 'true'])(
    'rejects the JSON value %s with bad-message and id null',
    (text) => {
      expect(failure(parseClientMessage(text))).toMatchObject({ code: 'bad-message', id: null });
    },
  );

  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['too large', 2 ** 31],
    ['string', '3'],
    ['null', null],
  ])('does not echo an unusable (%s) id on an unknown type', (_label, id) => {
    expect(failure(client({ type: 'nope', id })).id).toBeNull();
  });
});

describe('parseClientMessage: invalid fields', () => {
  function rejects(message: Record<string, unknown>, field: string) {
    const result = failure(client(message));
    expect(result.code).toBe('bad-message');
    expect(result.message).toContain(`invalid ${String(message.type)}: `);
    expect(result.message).toContain(`${field}: `);
    return result;
  }

  it.each([
    ['negative', -1],
    ['fractional', 2.5],
    ['too large', 2 ** 31],
    ['a string', '1'],
    ['missing', undefined],
  ])('rejects a %s id, with id null in the error', (_label, id) => {
    const result = rejects({ type: 'leave', id }, 'id');
    expect(result.id).toBeNull();
  });

  it('keeps the id of an otherwise invalid message', () => {
    expect(rejects({ type: 'join', id: 12, room: '../x', name: 'A' }, 'room').id).toBe(12);
  });

  it.each([
    ['path traversal', '../x'],
    ['too short (1)', 'a'],
    ['too short (2)', 'ab'],
    ['with a space', 'my room'],
    ['with a slash', 'a/b/c'],
    ['with a backslash', 'a\\bc'],
    ['65 characters', 'r'.repeat(65)],
    ['starting with a dash', '-abc'],
    ['starting with an underscore', '_abc'],
    ['with a dot', 'abc.def'],
    ['non-ASCII', 'café-room'],
    ['empty', ''],
    ['with a trailing newline', 'abc\n'],
  ])('rejects a room name %s', (_label, room) => {
    const result = rejects({ type: 'join', id: 1, room, name: 'Ann' }, 'room');
    expect(result.message).toContain('room names are 3-64 letters, digits, - or _');
  });

  it('rejects a room that is not a string', () => {
    rejects({ type: 'join', id: 1, room: 123, name: 'Ann' }, 'room');
  });

  it.each([
    ['empty', ''],
    ['only spaces', '    '],
    ['only whitespace', ' \t\n '],
  ])('rejects a display name that is %s', (_label, name) => {
    const result = rejects({ type: 'join', id: 1, room: 'abc', name }, 'name');
    expect(result.message).toContain('a name is required');
  });

  it(`rejects a display name longer than ${MAX_NAME_LENGTH} characters`, () => {
    const result = rejects({ type: 'join', id: 1, room: 'abc', name: 'n'.repeat(MAX_NAME_LENGTH + 1) }, 'name');
    expect(result.message).toContain(`names are at most ${MAX_NAME_LENGTH} characters`);
  });

  it('rejects a missing display name', () => {
    rejects({ type: 'join', id: 1, room: 'abc' }, 'name');
  });

  it('rejects an SDP longer than MAX_SDP_LENGTH', () => {
    rejects({ type: 'publish', id: 1, source: 'camera', sdp: 'x'.repeat(MAX_SDP_LENGTH + 1) }, 'sdp');
    rejects({ type: 'answer', id: 1, revision: 0, sdp: 'x'.repeat(MAX_SDP_LENGTH + 1) }, 'sdp');
  });

  it('rejects an SDP shorter than 10 characters', () => {
    rejects({ type: 'publish', id: 1, source: 'camera', sdp: 'v=0' }, 'sdp');
  });

  it('rejects an unknown source', () => {
    rejects({ type: 'publish', id: 1, source: 'microphone', sdp: SDP }, 'source');
    rejects({ type: 'unpublish', id: 1, source: 'webcam' }, 'source');
  });

  it.each([
    ['negative', -1],
    ['fractional', 0.5],
    ['a string', '0'],
  ])('rejects an answer revision that is %s', (_label, revision) => {
    rejects({ type: 'answer', id: 1, revision, sdp: SDP }, 'revision');
  });

  it('rejects a hello without a numeric protocol', () => {
    rejects({ type: 'hello', id: 1, protocol: '1' }, 'protocol');
    rejects({ type: 'hello', id: 1 }, 'protocol');
  });

  it('rejects a candidate for an unknown connection or with oversized fields', () => {
    rejects({ type: 'candidate', id: 1, connection: 'other', candidate: '', mid: '0' }, 'connection');
    rejects({ type: 'candidate', id: 1, connection: 'main', candidate: 'c'.repeat(513), mid: '0' }, 'candidate');
    rejects({ type: 'candidate', id: 1, connection: 'main', candidate: '', mid: 'm'.repeat(33) }, 'mid');
  });

  it('rejects mute with a wrong kind or a non-boolean muted', () => {
    rejects({ type: 'mute', id: 1, kind: 'data', muted: true }, 'kind');
    rejects({ type: 'mute', id: 1, kind: 'audio', muted: 'true' }, 'muted');
  });

  it.each([
    ['with spaces and punctuation', 'not base64!'],
    ['with a wrong length', 'abc'],
    ['with misplaced padding', 'ab=c'],
    ['URL-safe alphabet', 'ab-_'],
  ])('rejects a relay payload that is not base64 (%s)', (_label, payload) => {
    const result = rejects({ type: 'relay', id: 3, payload }, 'payload');
    expect(result.id).toBe(3);
  });

  it('rejects a relay payload longer than MAX_RELAY_PAYLOAD_LENGTH', () => {
    rejects({ type: 'relay', id: 1, payload: 'A'.repeat(MAX_RELAY_PAYLOAD_LENGTH + 4) }, 'payload');
  });

  it('rejects a relay to a malformed member id', () => {
    rejects({ type: 'relay', id: 1, to: 'a b', payload: 'AAAA' }, 'to');
    rejects({ type: 'relay', id: 1, to: '', payload: 'AAAA' }, 'to');
    rejects({ type: 'relay', id: 1, to: 'x'.repeat(33), payload: 'AAAA' }, 'to');
  });

  it('names at most three problems, separated by semicolons', () => {
    const result = failure(client({ type: 'candidate', id: 1, connection: 1, candidate: 2, mid: 3 }));
    const parts = result.message.replace(/^invalid candidate: /, '').split('; ');
    expect(parts).toHaveLength(3);
    expect(parts[0]).toMatch(/^connection: /);
    expect(parts[1]).toMatch(/^candidate: /);
    expect(parts[2]).toMatch(/^mid: /);
  });
});

describe('found by fuzzing', () => {
  it('refuses a protocol version JSON cannot carry back (1e309 parses as Infinity)', () => {
    expect(failure(parseClientMessage('{"type":"hello","id":0,"protocol":1e309}')).code).toBe('bad-message');
    expect(() => parseResult(HelloResult, { protocol: Number.POSITIVE_INFINITY, server: 'x' })).toThrow(/protocol/);
  });

  it('error messages quote at most a little of what was received', () => {
    const huge = 'x'.repeat(60_000);
    const result = failure(client({ type: 'mute', id: 1, kind: huge, muted: huge }));
    expect(result.message).toMatch(/^invalid mute: kind: /);
    expect(result.message.length).toBeLessThan(512);
    expect(failure(server({ type: 'layers', source: huge, active: huge })).message.length).toBeLessThan(512);
  });
});
