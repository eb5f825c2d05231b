import type { ServerMessage } from '@sotto/protocol';
import { describe, expect, it } from 'vitest';
import { MAX_KEY_PACKAGE_LENGTH, MlsDeliveryService } from '../src/conference/mls-delivery-service.ts';
import { ProtocolError } from '../src/errors.ts';

function setup() {
  const sent: Array<[string, ServerMessage]> = [];
  const ds = new MlsDeliveryService((id, message) => sent.push([id, message]));
  const take = () => sent.splice(0);
  return { ds, take };
}

const code = (fn: () => void): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof ProtocolError ? error.code : 'other';
  }
  return undefined;
};

describe('MlsDeliveryService', () => {
  it('asks the first member with a key package to create the group, then to add the next', () => {
    const { ds, take } = setup();
    ds.memberJoined('a');
    ds.memberJoined('b');
    expect(ds.epoch).toBeNull();
    ds.keyPackage('b', 'KPb=');
    expect(take()).toEqual([['b', { type: 'mls-task', epoch: null, adds: [], removes: [] }]]);
    ds.keyPackage('a', 'KPa=');
    // b is still the one creating: a's key package waits for b's group.
    expect(take()).toEqual([]);
    ds.create('b');
    expect(ds.epoch).toBe(0);
    expect(take()).toEqual([['b', { type: 'mls-task', epoch: 0, adds: [{ memberId: 'a', keyPackage: 'KPa=' }], removes: [] }]]);
    ds.commit('b', { epoch: 0, commit: 'C0==', welcome: 'W0==', added: ['a'], removed: [] });
    expect(ds.epoch).toBe(1);
    expect(take()).toEqual([['a', { type: 'mls-welcome', from: 'b', epoch: 1, welcome: 'W0==' }]]);
  });

  it('orders commits: one on a stale epoch or from a non-committer is refused with stale-epoch', () => {
    const { ds, take } = setup();
    for (const id of ['a', 'b', 'c']) ds.memberJoined(id);
    ds.keyPackage('a', 'KPa=');
    ds.create('a');
    ds.keyPackage('b', 'KPb=');
    ds.commit('a', { epoch: 0, commit: 'C0==', welcome: 'W0==', added: ['b'], removed: [] });
    ds.keyPackage('c', 'KPc=');
    take();
    expect(code(() => ds.commit('a', { epoch: 0, commit: 'Cx==', welcome: 'Wx==', added: ['c'], removed: [] }))).toBe(
      'stale-epoch',
    );
    expect(code(() => ds.commit('b', { epoch: 1, commit: 'Cx==', welcome: 'Wx==', added: ['c'], removed: [] }))).toBe(
      'stale-epoch',
    );
    expect(code(() => ds.create('b'))).toBe('stale-epoch');
    ds.commit('a', { epoch: 1, commit: 'C1==', welcome: 'W1==', added: ['c'], removed: [] });
    expect(take()).toEqual([
      ['b', { type: 'mls-commit', from: 'a', epoch: 1, commit: 'C1==' }],
      ['c', { type: 'mls-welcome', from: 'a', epoch: 2, welcome: 'W1==' }],
    ]);
  });

  it('batches concurrent joins into one task', () => {
    const { ds, take } = setup();
    for (const id of ['a', 'b', 'c', 'd']) ds.memberJoined(id);
    ds.keyPackage('a', 'KPa=');
    ds.create('a');
    ds.keyPackage('b', 'KPb=');
    ds.keyPackage('c', 'KPc=');
    ds.keyPackage('d', 'KPd=');
    const tasks = take().filter(([, m]) => m.type === 'mls-task');
    const last = tasks.at(-1)?.[1];
    expect(last).toMatchObject({ epoch: 0, adds: [{ memberId: 'b' }, { memberId: 'c' }, { memberId: 'd' }] });
    ds.commit('a', { epoch: 0, commit: 'C0==', welcome: 'W0==', added: ['b', 'c', 'd'], removed: [] });
    expect(take().map(([id, m]) => [id, m.type])).toEqual([
      ['b', 'mls-welcome'],
      ['c', 'mls-welcome'],
      ['d', 'mls-welcome'],
    ]);
  });

  it('a leave becomes a remove for the committer; when the committer leaves, the next member takes over', () => {
    const { ds, take } = setup();
    for (const id of ['a', 'b', 'c']) ds.memberJoined(id);
    ds.keyPackage('a', 'KPa=');
    ds.create('a');
    ds.keyPackage('b', 'KPb=');
    ds.keyPackage('c', 'KPc=');
    ds.commit('a', { epoch: 0, commit: 'C0==', welcome: 'W0==', added: ['b', 'c'], removed: [] });
    take();
    ds.memberLeft('c');
    expect(take()).toEqual([['a', { type: 'mls-task', epoch: 1, adds: [], removes: ['c'] }]]);
    ds.memberLeft('a');
    expect(ds.committer).toBe('b');
    expect(take()).toEqual([['b', { type: 'mls-task', epoch: 1, adds: [], removes: ['c', 'a'] }]]);
    ds.commit('b', { epoch: 1, commit: 'C1==', added: [], removed: ['c', 'a'] });
    expect(ds.epoch).toBe(2);
    expect(take()).toEqual([]);
  });

  it('refuses a commit adding members while someone who left is still in the group: the next task removes them too', () => {
    const { ds, take } = setup();
    for (const id of ['a', 'b', 'c']) ds.memberJoined(id);
    ds.keyPackage('a', 'KPa=');
    ds.create('a');
    ds.keyPackage('b', 'KPb=');
    ds.commit('a', { epoch: 0, commit: 'C0==', welcome: 'W0==', added: ['b'], removed: [] });
    ds.keyPackage('c', 'KPc=');
    take();
    // b leaves while a builds the commit adding c: c's Welcome would hold b, whom c no longer sees.
    ds.memberLeft('b');
    expect(take()).toEqual([
      ['a', { type: 'mls-task', epoch: 1, adds: [{ memberId: 'c', keyPackage: 'KPc=' }], removes: ['b'] }],
    ]);
    expect(code(() => ds.commit('a', { epoch: 1, commit: 'Cx==', welcome: 'Wx==', added: ['c'], removed: [] }))).toBe(
      'stale-epoch',
    );
    expect(ds.epoch).toBe(1);
    expect(take()).toEqual([]);
    ds.commit('a', { epoch: 1, commit: 'C1==', welcome: 'W1==', added: ['c'], removed: ['b'] });
    expect(take()).toEqual([['c', { type: 'mls-welcome', from: 'a', epoch: 2, welcome: 'W1==' }]]);
  });

  it('a member that rejoins (new key package while in the group) is removed and re-added in one commit', () => {
    const { ds, take } = setup();
    for (const id of ['a', 'b']) ds.memberJoined(id);
    ds.keyPackage('a', 'KPa=');
    ds.create('a');
    ds.keyPackage('b', 'KPb=');
    ds.commit('a', { epoch: 0, commit: 'C0==', welcome: 'W0==', added: ['b'], removed: [] });
    take();
    ds.keyPackage('b', 'KPb2');
    expect(take()).toEqual([
      ['a', { type: 'mls-task', epoch: 1, adds: [{ memberId: 'b', keyPackage: 'KPb2' }], removes: ['b'] }],
    ]);
    ds.commit('a', { epoch: 1, commit: 'C1==', welcome: 'W1==', added: ['b'], removed: ['b'] });
    expect(take()).toEqual([
      ['b', { type: 'mls-commit', from: 'a', epoch: 1, commit: 'C1==' }],
      ['b', { type: 'mls-welcome', from: 'a', epoch: 2, welcome: 'W1==' }],
    ]);
  });

  it('when nobody holding the group is left, a waiting member starts a new group', () => {
    const { ds, take } = setup();
    for (const id of ['a', 'b']) ds.memberJoined(id);
    ds.keyPackage('a', 'KPa=');
    ds.create('a');
    ds.keyPackage('b', 'KPb=');
    take();
    ds.memberLeft('a');
    expect(ds.epoch).toBeNull();
    expect(take()).toEqual([['b', { type: 'mls-task', epoch: null, adds: [], removes: [] }]]);
  });

  it('refuses commits that name members with no pending change, or that lack or misplace a Welcome', () => {
    const { ds } = setup();
    for (const id of ['a', 'b']) ds.memberJoined(id);
    ds.keyPackage('a', 'KPa=');
    ds.create('a');
    ds.keyPackage('b', 'KPb=');
    expect(code(() => ds.commit('a', { epoch: 0, commit: 'C0==', welcome: 'W0==', added: ['zz'], removed: [] }))).toBe(
      'bad-message',
    );
    expect(code(() => ds.commit('a', { epoch: 0, commit: 'C0==', added: ['b'], removed: [] }))).toBe('bad-message');
    expect(code(() => ds.commit('a', { epoch: 0, commit: 'C0==', added: [], removed: [] }))).toBe('bad-message');
    expect(code(() => ds.commit('a', { epoch: 0, commit: 'C0==', added: [], removed: ['b'] }))).toBe('bad-message');
    expect(ds.epoch).toBe(0);
  });

  it('a refused key package is dropped without a new epoch', () => {
    const { ds, take } = setup();
    for (const id of ['a', 'b']) ds.memberJoined(id);
    ds.keyPackage('a', 'KPa=');
    ds.create('a');
    ds.keyPackage('b', 'junk');
    take();
    ds.commit('a', { epoch: 0, added: [], removed: [], refused: ['b'] });
    expect(ds.epoch).toBe(0);
    expect(take()).toEqual([]);
  });
});

describe('MlsDeliveryService: key-package churn', () => {
  it('lets a member rejoin at once, then again only after the interval; a waiting one is replaced', () => {
    const sent: Array<[string, ServerMessage]> = [];
    let now = 0;
    const timers: Array<{ at: number; run: () => void; cancelled: boolean }> = [];
    const ds = new MlsDeliveryService((id, m) => sent.push([id, m]), {
      rejoinIntervalMs: 10_000,
      now: () => now,
      schedule: (run, ms) => {
        const timer = { at: now + ms, run, cancelled: false };
        timers.push(timer);
        return { cancel: () => (timer.cancelled = true) };
      },
    });
    ds.memberJoined('a');
    ds.memberJoined('b');
    ds.keyPackage('a', 'KPa=');
    ds.create('a');
    ds.keyPackage('b', 'KPb=');
    ds.commit('a', { epoch: 0, commit: 'C0==', welcome: 'W0==', added: ['b'], removed: [] });
    sent.splice(0);
    const tasks = () => sent.filter(([, m]) => m.type === 'mls-task').splice(0);
    // b rejoins: at once.
    ds.keyPackage('b', 'KPb2=');
    expect(tasks()).toHaveLength(1);
    ds.commit('a', { epoch: 1, commit: 'C1==', welcome: 'W1==', added: ['b'], removed: ['b'] });
    sent.splice(0);
    // b floods key packages: none is taken before the interval, then only the last one.
    for (let i = 0; i < 100; i++) {
      now += 10;
      ds.keyPackage('b', `KPx${i}=`);
    }
    expect(sent).toEqual([]);
    expect(timers.filter((t) => !t.cancelled)).toHaveLength(1);
    now = 10_000;
    for (const t of timers) if (!t.cancelled && t.at <= now) t.run();
    expect(sent).toEqual([
      ['a', { type: 'mls-task', epoch: 2, adds: [{ memberId: 'b', keyPackage: 'KPx99=' }], removes: ['b'] }],
    ]);
  });
});

describe('MlsDeliveryService: key-package size', () => {
  it('refuses a key package over MAX_KEY_PACKAGE_LENGTH, so one task stays small', () => {
    const ds = new MlsDeliveryService(() => {});
    ds.memberJoined('a');
    expect(code(() => ds.keyPackage('a', 'A'.repeat(MAX_KEY_PACKAGE_LENGTH + 4)))).toBe('bad-message');
    expect(code(() => ds.keyPackage('a', 'A'.repeat(MAX_KEY_PACKAGE_LENGTH)))).toBeUndefined();
  });
});
