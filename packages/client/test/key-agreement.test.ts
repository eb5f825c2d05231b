import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../src/e2ee/base64.ts';
import type { EpochKeys, MlsRequest } from '../src/e2ee/key-agreement.ts';
import { KeyAgreement } from '../src/e2ee/key-agreement.ts';
import { mlsWireFormat } from '../src/e2ee/mls-group.ts';
import { Meeting } from './helpers/mls-meeting.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function expectSameKeys(keys: EpochKeys[]): void {
  const [first, ...rest] = keys as [EpochKeys, ...EpochKeys[]];
  for (const k of rest) {
    expect(hex(k.sframeSecret)).toBe(hex(first.sframeSecret));
    expect(hex(k.authenticator)).toBe(hex(first.authenticator));
  }
  expect(new Set(keys.map((k) => k.ownLeafIndex)).size).toBe(keys.length);
}

describe('MLS key agreement through the delivery service', () => {
  it('members who join one after another end in one group with the same keys and authenticator', async () => {
    const meeting = new Meeting();
    await meeting.join('alice');
    await meeting.join('bob');
    const two = await meeting.converged();
    expectSameKeys(two);
    await meeting.join('carol');
    const three = await meeting.converged();
    expectSameKeys(three);
    expect(three[0]?.epoch).toBeGreaterThan(two[0]?.epoch as bigint);
    expect(hex(three[0]?.sframeSecret as Uint8Array)).not.toBe(hex(two[0]?.sframeSecret as Uint8Array));
    expect(hex(three[0]?.authenticator as Uint8Array)).not.toBe(hex(two[0]?.authenticator as Uint8Array));
    expect(three[0]?.members.map((m) => m.identity).sort()).toEqual(['alice', 'bob', 'carol']);
  });

  it('a leave removes the member and rekeys; the committer leaving hands over to the next', async () => {
    const meeting = new Meeting();
    for (const id of ['alice', 'bob', 'carol']) await meeting.join(id);
    const before = await meeting.converged();
    meeting.leave('carol');
    const after = await meeting.converged();
    expectSameKeys(after);
    expect(after[0]?.members.map((m) => m.identity).sort()).toEqual(['alice', 'bob']);
    expect(hex(after[0]?.sframeSecret as Uint8Array)).not.toBe(hex(before[0]?.sframeSecret as Uint8Array));
    meeting.leave('alice'); // the committer
    const last = await meeting.converged();
    expect(last[0]?.members.map((m) => m.identity)).toEqual(['bob']);
  });

  it('concurrent joins and leaves converge', async () => {
    const meeting = new Meeting();
    await meeting.join('m0');
    await Promise.all(['m1', 'm2', 'm3', 'm4', 'm5'].map((id) => meeting.join(id)));
    meeting.leave('m2');
    await Promise.all(['m6', 'm7'].map((id) => meeting.join(id)));
    meeting.leave('m0');
    const keys = await meeting.converged();
    expectSameKeys(keys);
    expect(keys[0]?.members.map((m) => m.identity).sort()).toEqual(['m1', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });

  it('a member that missed a commit notices at the next one, rejoins, and catches up', async () => {
    const meeting = new Meeting();
    for (const id of ['alice', 'bob', 'carol']) await meeting.join(id);
    await meeting.converged();
    let dropped = 0;
    meeting.drop = (to, message) => to === 'carol' && message.type === 'mls-commit' && dropped++ === 0;
    await meeting.join('dave');
    await new Promise((r) => setTimeout(r, 200));
    expect(dropped).toBe(1);
    meeting.drop = null;
    await meeting.join('erin'); // the next commit reveals carol's gap
    const keys = await meeting.converged();
    expectSameKeys(keys);
    expect(keys[0]?.members.map((m) => m.identity).sort()).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
  });

  it('a newcomer whose join races a leave still gets its keys (never a Welcome holding who left)', async () => {
    const meeting = new Meeting();
    for (const id of ['alice', 'bob', 'carol']) await meeting.join(id);
    await meeting.converged();
    // carol leaves after alice built the commit adding dave, before the server accepted it.
    meeting.intercept = (_from, request) => {
      if (request.type !== 'mls-commit' || !request.added.includes('dave')) return undefined;
      meeting.intercept = null;
      meeting.leave('carol');
      return undefined;
    };
    await meeting.join('dave');
    const keys = await meeting.converged();
    expectSameKeys(keys);
    expect(keys[0]?.members.map((m) => m.identity).sort()).toEqual(['alice', 'bob', 'dave']);
    expect(meeting.refusals).toEqual([]);
  });

  it('application data is an MLS private message that only members can read', async () => {
    const meeting = new Meeting();
    for (const id of ['alice', 'bob', 'carol']) await meeting.join(id);
    await meeting.converged();
    await meeting.members.get('alice')?.send(new TextEncoder().encode('secret plans'));
    await new Promise((r) => setTimeout(r, 100));
    expect(meeting.received.sort()).toEqual([
      ['bob', 'alice', 'secret plans'],
      ['carol', 'alice', 'secret plans'],
    ]);
    const payload = fromBase64(meeting.relayed[0] as string);
    expect(mlsWireFormat(payload)).toBe('mls_private_message');
    expect(Buffer.from(payload).includes(Buffer.from('secret plans'))).toBe(false);
  });

  it('a refused key package (identity not matching its sender) is not added', async () => {
    const meeting = new Meeting();
    await meeting.join('alice');
    await meeting.converged();
    const mallory = new KeyAgreement('bob', async () => ({}));
    // Mallory's key package claims to be "bob" but is sent as "mallory".
    let keyPackage = '';
    const capture = new KeyAgreement('bob', async (r: MlsRequest) => {
      if (r.type === 'mls-key-package') keyPackage = r.keyPackage;
      return {};
    });
    await capture.start();
    mallory.close();
    meeting.ds.memberJoined('mallory');
    meeting.ds.keyPackage('mallory', keyPackage);
    await new Promise((r) => setTimeout(r, 200));
    expect(meeting.ds.epoch).toBe(0);
    expect(meeting.latest.get('alice')?.members.map((m) => m.identity)).toEqual(['alice']);
  });

  it('a key package with a broken signature is refused and does not stall later joins', async () => {
    const meeting = new Meeting();
    await meeting.join('alice');
    await meeting.converged();
    let keyPackage = '';
    const capture = new KeyAgreement('bob', async (r: MlsRequest) => {
      if (r.type === 'mls-key-package') keyPackage = r.keyPackage;
      return {};
    });
    await capture.start();
    capture.close();
    const bytes = Buffer.from(keyPackage, 'base64');
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 0xff; // inside the signature
    meeting.ds.memberJoined('bob');
    meeting.ds.keyPackage('bob', bytes.toString('base64'));
    await meeting.join('carol');
    const keys = await meeting.converged();
    expect(keys[0]?.members.map((m) => m.identity).sort()).toEqual(['alice', 'carol']);
  });
});
