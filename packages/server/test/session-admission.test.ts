import { CLOSE_CODES, PROTOCOL_VERSION } from '@sotto/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConferenceService } from '../src/conference/conference-service.ts';
import { MAX_QUEUED_BYTES, sendBounded } from '../src/signaling/bounded-send.ts';
import { Session } from '../src/signaling/session.ts';

function session(options: { helloDeadlineMs?: number; joinDeadlineMs?: number } = {}) {
  const sent: Array<Record<string, unknown>> = [];
  const closed: Array<[number, string]> = [];
  const s = new Session(
    { send: (text) => sent.push(JSON.parse(text)), close: (code, reason) => closed.push([code, reason]) },
    {} as ConferenceService,
    { serverVersion: 'test', rateBurst: 5, ratePerSecond: 1, rateStrikes: 3, ...options },
  );
  return { s, sent, closed };
}

describe('Session admission', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('closes a socket that says no hello in time, or no join after hello', () => {
    const silent = session({ helloDeadlineMs: 5000 });
    vi.advanceTimersByTime(4999);
    expect(silent.closed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(silent.closed).toEqual([[CLOSE_CODES.deadline, 'no hello in time']]);

    const lingering = session({ helloDeadlineMs: 5000, joinDeadlineMs: 10_000 });
    lingering.s.onText(JSON.stringify({ type: 'hello', id: 1, protocol: PROTOCOL_VERSION }));
    vi.advanceTimersByTime(9999);
    expect(lingering.closed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(lingering.closed).toEqual([[CLOSE_CODES.deadline, 'no join in time']]);
  });

  it('forgives rate-limit strikes over time, so an old burst does not count forever', () => {
    const { s, closed, sent } = session({ helloDeadlineMs: 1e9 });
    const burst = (n: number) => {
      for (let i = 0; i < n; i++) s.onText('{"type":"ping"}');
    };
    burst(5 + 3); // the bucket (5) and three strikes: one more would close
    expect(sent.filter((m) => m.code === 'rate-limited')).toHaveLength(3);
    vi.advanceTimersByTime(60_000); // strikes and tokens come back
    burst(5 + 3);
    expect(closed).toEqual([]);
    burst(1); // now the fourth strike within a short time
    expect(closed).toEqual([[CLOSE_CODES.policy, 'too many messages']]);
  });
});

describe('sendBounded', () => {
  it('refuses to queue more than the limit for a client that is not reading', () => {
    const ws = {
      readyState: 1,
      OPEN: 1,
      bufferedAmount: 0,
      send(text: string) {
        this.bufferedAmount += text.length;
      },
    };
    const frame = 'x'.repeat(64 * 1024);
    let accepted = 0;
    while (sendBounded(ws, frame)) accepted++;
    expect(accepted).toBe(MAX_QUEUED_BYTES / frame.length);
    expect(ws.bufferedAmount).toBeLessThanOrEqual(MAX_QUEUED_BYTES);
    ws.bufferedAmount = 0; // the client read it all
    expect(sendBounded(ws, frame)).toBe(true);
    expect(sendBounded({ ...ws, readyState: 3 }, frame)).toBe(true); // closed: nothing sent, nothing to drop
  });
});
