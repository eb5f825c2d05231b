import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { turnCredentials } from '../src/conference/turn-credentials.ts';

describe('TURN REST API credentials', () => {
  const turn = { urls: ['turn:turn.example.org:3478'], secret: 'a-long-shared-secret', ttlSeconds: 600 };

  it('username = expiry:member id, password = base64 HMAC-SHA1 of it with the shared secret', () => {
    const now = Date.UTC(2026, 10, 26, 12, 0, 0);
    const info = turnCredentials(turn, 'mEmBeR_1', now);
    const expiry = now / 1000 + 600;
    expect(info.urls).toEqual(turn.urls);
    expect(info.username).toBe(`${expiry}:mEmBeR_1`);
    expect(info.credential).toBe(createHmac('sha1', turn.secret).update(`${expiry}:mEmBeR_1`).digest('base64'));
  });

  it('differs per member and per secret', () => {
    const a = turnCredentials(turn, 'a', 0);
    expect(turnCredentials(turn, 'b', 0).credential).not.toBe(a.credential);
    expect(turnCredentials({ ...turn, secret: 'another-long-secret' }, 'a', 0).credential).not.toBe(a.credential);
  });
});
