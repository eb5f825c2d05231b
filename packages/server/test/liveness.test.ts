import { describe, expect, it } from 'vitest';
import { isMediaDead, MEDIA_SILENCE_TIMEOUT_MS } from '../src/sfu/liveness.ts';

const NOW = 1_700_000_000_000;

describe('isMediaDead', () => {
  it('uses an 8.5 s default timeout', () => {
    expect(MEDIA_SILENCE_TIMEOUT_MS).toBe(8500);
  });

  it('is dead when forwarding and nothing was heard for longer than the timeout', () => {
    expect(isMediaDead({ now: NOW, lastHeardAt: NOW - 8501, lastForwardedAt: NOW - 10 })).toBe(true);
  });

  it('is alive at exactly the timeout', () => {
    expect(isMediaDead({ now: NOW, lastHeardAt: NOW - 8500, lastForwardedAt: NOW })).toBe(false);
  });

  it('is alive when heard from recently', () => {
    expect(isMediaDead({ now: NOW, lastHeardAt: NOW - 1000, lastForwardedAt: NOW })).toBe(false);
  });

  it('proves nothing when nothing was forwarded in the last 2 s', () => {
    expect(isMediaDead({ now: NOW, lastHeardAt: NOW - 60_000, lastForwardedAt: NOW - 2000 })).toBe(false);
    expect(isMediaDead({ now: NOW, lastHeardAt: 0, lastForwardedAt: 0 })).toBe(false);
  });

  it('counts forwarding just under 2 s ago as recent', () => {
    expect(isMediaDead({ now: NOW, lastHeardAt: NOW - 60_000, lastForwardedAt: NOW - 1999 })).toBe(true);
  });

  it('honours a custom timeout', () => {
    const input = { now: NOW, lastHeardAt: NOW - 3000, lastForwardedAt: NOW };
    expect(isMediaDead({ ...input, timeoutMs: 2999 })).toBe(true);
    expect(isMediaDead({ ...input, timeoutMs: 3000 })).toBe(false);
    expect(isMediaDead(input)).toBe(false);
  });
});

describe('isMediaDead after a pause in forwarding', () => {
  it('counts silence only from when forwarding started again (back from peer to peer)', () => {
    // Nothing heard for a minute (peer to peer: nothing was sent either), forwarding resumed 1 s ago.
    expect(isMediaDead({ now: NOW, lastHeardAt: NOW - 60_000, lastForwardedAt: NOW - 10, forwardingSince: NOW - 1000 })).toBe(
      false,
    );
    // Still silent 8.5 s after forwarding resumed: dead.
    expect(isMediaDead({ now: NOW, lastHeardAt: NOW - 60_000, lastForwardedAt: NOW - 10, forwardingSince: NOW - 8501 })).toBe(
      true,
    );
  });
});
