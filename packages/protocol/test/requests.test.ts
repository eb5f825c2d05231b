import { describe, expect, it, vi } from 'vitest';
import { RequestCorrelator, RequestError } from '../src/requests.ts';

/** A correlator whose frames the test reads back. */
function correlator(timeoutMs?: number) {
  const sent: Array<Record<string, unknown>> = [];
  const requests = new RequestCorrelator((frame) => sent.push(JSON.parse(frame)), timeoutMs);
  return { requests, sent };
}

describe('RequestCorrelator', () => {
  it('numbers requests, and settles each with the reply that carries its id, in any order', async () => {
    const { requests, sent } = correlator();
    const hello = requests.request({ type: 'hello', protocol: 1 });
    const mute = requests.request({ type: 'mute', kind: 'audio', muted: true });
    expect(sent.map((m) => [m.type, m.id])).toEqual([
      ['hello', 1],
      ['mute', 2],
    ]);
    expect(requests.settle({ type: 'ok', id: 2, result: null })).toBe(true);
    expect(requests.settle({ type: 'ok', id: 1, result: { protocol: 1, server: 'sotto' } })).toBe(true);
    await expect(hello).resolves.toEqual({ protocol: 1, server: 'sotto' });
    await expect(mute).resolves.toBeNull();
    expect(requests.pending).toBe(0);
    // A second reply with the same id, or one nobody asked for, settles nothing.
    expect(requests.settle({ type: 'ok', id: 1, result: null })).toBe(false);
    expect(requests.settle({ type: 'error', id: null, code: 'bad-json', message: 'x' })).toBe(false);
  });

  it("validates a result against its request's schema before anyone sees it", async () => {
    const { requests } = correlator();
    const join = requests.request({ type: 'join', room: 'r', name: 'n' });
    requests.settle({ type: 'ok', id: 1, result: { self: { id: 'not a member' }, members: [] } });
    await expect(join).rejects.toThrow(/^invalid reply: /);
  });

  it('rejects with the error code the server gave', async () => {
    const { requests } = correlator();
    const join = requests.request({ type: 'join', room: 'r', name: 'n' });
    requests.settle({ type: 'error', id: 1, code: 'room-full', message: 'the meeting is full' });
    const error = await join.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({ code: 'room-full', message: 'the meeting is full' });
  });

  it('gives up on a request nobody answers, and rejects all waiting ones when the socket closes', async () => {
    vi.useFakeTimers();
    try {
      const { requests } = correlator(1000);
      const slow = requests.request({ type: 'leave' });
      const expectation = expect(slow).rejects.toThrow('the server did not answer leave');
      vi.advanceTimersByTime(1001);
      await expectation;
      const a = requests.request({ type: 'leave' });
      const b = requests.request({ type: 'pin', memberIds: [] });
      requests.failAll(new Error('closed'));
      await expect(a).rejects.toThrow('closed');
      await expect(b).rejects.toThrow('closed');
      expect(requests.pending).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects at once when the frame cannot be sent', async () => {
    const requests = new RequestCorrelator(() => {
      throw new Error('not connected to the server');
    });
    await expect(requests.request({ type: 'leave' })).rejects.toThrow('not connected to the server');
    expect(requests.pending).toBe(0);
  });

  it('accepts only valid client messages at compile time (checked by `npm run typecheck`)', () => {
    const { requests, sent } = correlator();
    // @ts-expect-error: 'mute' needs `kind` and `muted`
    requests.request({ type: 'mute' }).catch(() => {});
    // @ts-expect-error: there is no 'kick' request yet
    requests.request({ type: 'kick', memberId: 'x' }).catch(() => {});
    expect(sent).toHaveLength(2); // at run time they go out as written: the server refuses them
  });
});
