import { describe, expect, it } from 'vitest';
import { toBase64 } from '../src/e2ee/base64.ts';
import type { MlsRequest } from '../src/e2ee/key-agreement.ts';
import { KeyAgreement } from '../src/e2ee/key-agreement.ts';
import { Meeting } from './helpers/mls-meeting.ts';

/**
 * The MLS delivery service played by a hostile server: each test removes one protection in its
 * head and checks that the client's rules (membership-rules.ts, key-agreement.ts) stop it.
 */

const settle = () => new Promise((r) => setTimeout(r, 150));

/** Waits for something that must happen (generous: the machine may be busy). */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function keyPackageOf(id: string): Promise<string> {
  let keyPackage = '';
  const agreement = new KeyAgreement(id, async (r: MlsRequest) => {
    if (r.type === 'mls-key-package') keyPackage = r.keyPackage;
    return {};
  });
  await agreement.start();
  agreement.close();
  return keyPackage;
}

const identities = (meeting: Meeting, id: string) =>
  meeting.latest
    .get(id)
    ?.members.map((m) => m.identity)
    .sort();

describe('a hostile delivery service', () => {
  it('cannot have a member added that the meeting never announced (the committer refuses it)', async () => {
    const meeting = new Meeting();
    for (const id of ['alice', 'bob']) await meeting.join(id);
    const before = await meeting.converged();
    // The server slips in a key package for a "member" nobody sees.
    meeting.ds.memberJoined('ghost');
    meeting.ds.keyPackage('ghost', await keyPackageOf('ghost'));
    await settle();
    expect(meeting.ds.epoch).toBe(Number(before[0]?.epoch));
    expect(identities(meeting, 'alice')).toEqual(['alice', 'bob']);
  });

  it('shows the ghost only to the committer: every other member refuses the commit', async () => {
    const meeting = new Meeting();
    for (const id of ['alice', 'bob', 'carol']) await meeting.join(id);
    const before = await meeting.converged();
    // Split view: alice (the committer) is told a "dave" joined; bob and carol are not.
    meeting.rosterOf = (id) => (id === 'alice' ? [...meeting.order, 'dave'] : meeting.order);
    meeting.announce();
    meeting.ds.memberJoined('dave');
    meeting.ds.keyPackage('dave', await keyPackageOf('dave'));
    await until(() => meeting.refusals.length >= 2);
    for (const id of ['bob', 'carol']) {
      expect(meeting.latest.get(id)?.epoch).toBe(before[0]?.epoch);
      expect(meeting.refusals.find(([who]) => who === id)?.[1]).toMatch(/adds dave, who is not in the meeting/);
    }
  });

  it('cannot put its own key in the place of a member (same id, another signature key)', async () => {
    const meeting = new Meeting();
    for (const id of ['alice', 'bob', 'carol']) await meeting.join(id);
    const before = await meeting.converged();
    const bobLeaf = meeting.latest.get('alice')?.members.find((m) => m.identity === 'bob');
    // "bob rejoins": the server hands the committer a key package of its own that says "bob".
    meeting.ds.keyPackage('bob', await keyPackageOf('bob'));
    await settle();
    // Refused as a whole: no new epoch, bob keeps his own leaf (not even removed).
    expect(meeting.ds.epoch).toBe(Number(before[0]?.epoch));
    expect(meeting.latest.get('alice')?.members.find((m) => m.identity === 'bob')).toEqual(bobLeaf);
  });

  it('cannot have a commit accepted from a member who is not due to commit', async () => {
    const meeting = new Meeting();
    for (const id of ['alice', 'bob', 'carol']) await meeting.join(id);
    const before = await meeting.converged();
    const dave = await meeting.join('dave'); // announced to all, but the server hands the task to carol
    dave.close();
    await until(() => ['alice', 'bob', 'carol'].every((id) => meeting.latest.get(id)?.epoch === (before[0]?.epoch ?? 0n) + 1n));
    const epoch = meeting.ds.epoch as number;
    expect(epoch).toBe(Number(before[0]?.epoch) + 1); // alice added dave, as she should
    // Now the server (not alice) lets carol commit dave's removal and relays it as if it were fine.
    meeting.intercept = (from, request) => {
      if (request.type !== 'mls-commit' || from !== 'carol' || !request.commit) return undefined;
      for (const id of ['alice', 'bob'])
        meeting.deliver(id, { type: 'mls-commit', from, epoch: request.epoch, commit: request.commit });
      return {};
    };
    meeting.drop = (to, message) => message.type === 'mls-task' && to === 'alice';
    meeting.leave('dave');
    meeting.members.get('carol')?.handle({ type: 'mls-task', epoch, adds: [], removes: ['dave'] });
    await until(() => meeting.refusals.length >= 2);
    for (const id of ['alice', 'bob']) {
      expect(meeting.refusals.find(([who]) => who === id)?.[1]).toMatch(/not from the member due to commit \(alice\)/);
    }
  });

  it('cannot relabel who sent a message: MLS names the sender, a different claim is dropped', async () => {
    const meeting = new Meeting();
    for (const id of ['alice', 'bob', 'carol']) await meeting.join(id);
    await meeting.converged();
    meeting.intercept = (_from, request) => {
      if (request.type !== 'relay') return undefined;
      // The server says carol sent what alice sent.
      for (const id of ['bob']) meeting.deliver(id, { type: 'relay', from: 'carol', payload: request.payload });
      return {};
    };
    await meeting.members.get('alice')?.send(new TextEncoder().encode('from alice'));
    meeting.intercept = null;
    await meeting.members.get('alice')?.send(new TextEncoder().encode('really from alice'));
    await until(() => meeting.received.length >= 1);
    await settle();
    expect(meeting.received.filter(([to]) => to === 'bob')).toEqual([['bob', 'alice', 'really from alice']]);
  });

  it('cannot welcome a newcomer into a group that holds someone the newcomer is not shown', async () => {
    const meeting = new Meeting();
    for (const id of ['alice', 'bob', 'carol']) await meeting.join(id);
    await meeting.converged();
    // dave is told the meeting is alice and bob only; carol (a silent listener) stays hidden.
    meeting.rosterOf = (id) => (id === 'dave' ? meeting.order.filter((m) => m !== 'carol') : meeting.order);
    await meeting.join('dave');
    await until(() => meeting.refusals.length >= 1);
    expect(meeting.latest.get('dave')).toBeUndefined();
    expect(meeting.refusals).toContainEqual(['dave', 'the group holds carol, who is not in the meeting']);
  });

  it('cannot hand a member a Welcome that adds it twice, nor a task that adds itself', async () => {
    const meeting = new Meeting();
    await meeting.join('alice');
    await meeting.converged();
    const epoch = meeting.ds.epoch as number;
    meeting.members.get('alice')?.handle({
      type: 'mls-task',
      epoch,
      adds: [{ memberId: 'alice', keyPackage: await keyPackageOf('alice') }],
      removes: [],
    });
    await settle();
    expect(meeting.ds.epoch).toBe(epoch);
    expect(identities(meeting, 'alice')).toEqual(['alice']);
  });

  it('never sets off a cascade of epochs when one member falls behind', async () => {
    const meeting = new Meeting();
    for (const id of ['alice', 'bob', 'carol']) await meeting.join(id);
    await meeting.converged();
    const start = meeting.ds.epoch as number;
    // carol misses one commit (a dropped message), then three more people join.
    let dropped = 0;
    meeting.drop = (to, message) => to === 'carol' && message.type === 'mls-commit' && dropped++ === 0;
    for (const id of ['dave', 'erin', 'frank']) await meeting.join(id);
    meeting.drop = null;
    await meeting.join('grace');
    const keys = await meeting.converged();
    // Four joins and one rejoin of carol (folded into a commit): never more than five epochs.
    expect(Number(keys[0]?.epoch) - start).toBeLessThanOrEqual(5);
    expect(meeting.refusals).toEqual([]);
    expect(toBase64(keys[0]?.authenticator as Uint8Array)).toBe(toBase64(keys.at(-1)?.authenticator as Uint8Array));
  });
});
