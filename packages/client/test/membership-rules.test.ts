import { describe, expect, it } from 'vitest';
import { allowedTask, commitRefusal, designatedCommitter, groupRefusal, hiddenMembers } from '../src/e2ee/membership-rules.ts';
import type { CommitChange, GroupMember } from '../src/e2ee/mls-group.ts';

const member = (identity: string, leafIndex: number): GroupMember => ({ identity, leafIndex, signatureKey: `key-${identity}` });
const group = [member('ana', 0), member('bo', 1), member('cy', 2)];
const roster = ['ana', 'bo', 'cy', 'dee'];
const known = new Map(group.map((m) => [m.identity, m.signatureKey]));

function change(overrides: Partial<CommitChange>): CommitChange {
  return { before: group, committer: group[0], added: [], removed: [], other: [], ...overrides };
}

describe('membership rules (the group is the roster)', () => {
  it('the member due to commit is the longest-present one the commit does not remove', () => {
    expect(designatedCommitter(roster, group)).toBe('ana');
    expect(designatedCommitter(roster, group, new Set(['ana']))).toBe('bo');
    expect(designatedCommitter(['dee', ...roster], group)).toBe('ana'); // dee is not in the group
  });

  it('accepts an honest commit: an announced newcomer added, a leaver removed, a rejoin', () => {
    expect(commitRefusal(change({ added: [{ identity: 'dee', signatureKey: 'key-dee' }] }), roster, 'bo', known)).toBeNull();
    expect(commitRefusal(change({ removed: [group[2] as GroupMember] }), ['ana', 'bo'], 'bo', known)).toBeNull();
    const rejoin = change({ removed: [group[2] as GroupMember], added: [{ identity: 'cy', signatureKey: 'key-cy' }] });
    expect(commitRefusal(rejoin, roster, 'bo', known)).toBeNull();
  });

  it('refuses what a hostile server would slip into a commit', () => {
    const refuse = (c: Partial<CommitChange>, r = roster) => commitRefusal(change(c), r, 'bo', known);
    expect(refuse({ added: [{ identity: 'eve', signatureKey: 'k' }] })).toMatch(/adds eve, who is not in the meeting/);
    expect(refuse({ added: [{ identity: 'bo', signatureKey: 'k' }] })).toMatch(/second copy of us/);
    expect(refuse({ added: [{ identity: 'cy', signatureKey: 'key-cy' }] })).toMatch(/adds cy twice/);
    expect(
      refuse({
        added: [
          { identity: 'dee', signatureKey: 'key-dee' },
          { identity: 'dee', signatureKey: 'key-dee' },
        ],
      }),
    ).toMatch(/adds dee twice/);
    // cy "rejoins" with a key that is not cy's: someone taking cy's place.
    expect(refuse({ removed: [group[2] as GroupMember], added: [{ identity: 'cy', signatureKey: 'key-server' }] })).toMatch(
      /someone else in the place of cy/,
    );
    expect(refuse({ removed: [group[2] as GroupMember] })).toMatch(/removes cy, who is still in the meeting/);
    expect(refuse({ committer: group[2] })).toMatch(/not from the member due to commit \(ana\)/);
    expect(refuse({ committer: undefined })).toMatch(/outside the group/);
    expect(refuse({ other: ['update'] })).toMatch(/proposals we never accept \(update\)/);
  });

  it('a Welcome must hold exactly announced members, each once, us included, with the keys we knew', () => {
    expect(groupRefusal(group, roster, 'bo', known)).toBeNull();
    expect(groupRefusal([...group, member('eve', 3)], roster, 'bo')).toMatch(/holds eve, who is not in the meeting/);
    expect(groupRefusal([...group, member('ana', 3)], roster, 'bo')).toMatch(/holds ana twice/);
    expect(groupRefusal([group[0] as GroupMember], roster, 'bo')).toMatch(/does not hold us/);
    expect(groupRefusal(group, roster, 'bo', new Map([['cy', 'other']]))).toMatch(/someone else in the place of cy/);
  });

  it('lists members of the group the meeting does not show, or shows once but the group holds twice', () => {
    expect(hiddenMembers(['ana', 'bo'], roster)).toEqual([]);
    expect(hiddenMembers(['ana', 'eve', 'bo', 'bo'], roster)).toEqual(['eve', 'bo']);
  });

  it('a committer carries out only what the roster allows, and reports the rest as refused', () => {
    const add = (memberId: string, identity = memberId, signatureKey = `key-${identity}`) => ({
      memberId,
      keyPackage: new Uint8Array(0),
      leaf: { identity, signatureKey },
    });
    const task = allowedTask(
      [add('dee'), add('eve'), add('ana'), add('bo'), add('cy', 'cy', 'key-server'), add('dee')],
      ['cy', 'gone'],
      group,
      roster,
      'ana',
      known,
    );
    expect(task.adds.map((a) => a.memberId)).toEqual(['dee']);
    expect(task.refused).toEqual(['eve', 'ana', 'bo', 'cy', 'dee']);
    // cy's rejoin was refused, so cy is not removed either; a member who left is.
    expect(task.removes).toEqual(['gone']);
    expect(allowedTask([add('cy')], ['cy'], group, roster, 'ana', known).removes).toEqual(['cy']);
    expect(
      allowedTask([{ memberId: 'dee', keyPackage: new Uint8Array(0), leaf: null }], [], group, roster, 'ana').refused,
    ).toEqual(['dee']);
  });
});
