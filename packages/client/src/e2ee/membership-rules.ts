/**
 * "The group is the roster": who may hold the meeting's keys is decided by the participants the
 * meeting shows, never by the server's say-so alone. The server announces joins and leaves (and
 * every participant sees them as tiles); these rules make sure the MLS group never holds anyone
 * else — no hidden member, no second leaf with someone's identity, no commit from a member who
 * was not due to commit. Pure functions, so each rule is tested on its own.
 *
 * `roster` is the meeting as announced when the MLS message arrived: member ids in join order,
 * our own included. `known` maps each member id we have seen in the group to its signature key:
 * a member keeps one key for its whole stay (a rejoin reuses it), so a leaf for the same id with
 * another key is someone else taking its place.
 */
import type { CommitChange, GroupMember } from './mls-group.ts';

/**
 * The member due to commit: the longest-present member of the group that this commit does not
 * remove (the delivery service's rule too, so an honest server never trips it).
 */
export function designatedCommitter(
  roster: readonly string[],
  group: readonly GroupMember[],
  removed: ReadonlySet<string> = new Set(),
): string | undefined {
  const inGroup = new Set(group.map((m) => m.identity));
  return roster.find((id) => inGroup.has(id) && !removed.has(id));
}

/** Why a commit from another member must be refused, or null if it follows the roster. */
export function commitRefusal(
  change: CommitChange,
  roster: readonly string[],
  selfId: string,
  known: ReadonlyMap<string, string> = new Map(),
): string | null {
  if (change.other.length) return `the commit carries proposals we never accept (${change.other.join(', ')})`;
  if (!change.committer) return 'the commit comes from outside the group';
  const announced = new Set(roster);
  const removedIds = new Set(change.removed.map((m) => m.identity));
  const expected = designatedCommitter(roster, change.before, removedIds);
  if (change.committer.identity !== expected) {
    return `the commit comes from ${change.committer.identity}, not from the member due to commit (${expected ?? 'nobody'})`;
  }
  const remaining = change.before.filter((m) => !change.removed.some((r) => r.leafIndex === m.leafIndex));
  const holders = new Set(remaining.map((m) => m.identity));
  for (const { identity: id, signatureKey } of change.added) {
    if (id === selfId) return 'the commit adds a second copy of us';
    if (!announced.has(id)) return `the commit adds ${id || 'someone'}, who is not in the meeting`;
    if (holders.has(id)) return `the commit adds ${id} twice`;
    if (!sameKey(known, id, signatureKey)) return `the commit puts someone else in the place of ${id}`;
    holders.add(id);
  }
  const addedIds = change.added.map((a) => a.identity);
  for (const member of change.removed) {
    // Removed: someone who left, a member rejoining (re-added in the same commit), a duplicate
    // leaf, or ourselves (we cannot stop others from excluding us; we then ask to rejoin).
    const gone = !announced.has(member.identity);
    const rejoining = addedIds.includes(member.identity);
    const duplicate = change.before.filter((m) => m.identity === member.identity).length > 1;
    if (!gone && !rejoining && !duplicate && member.identity !== selfId) {
      return `the commit removes ${member.identity}, who is still in the meeting`;
    }
  }
  return null;
}

/** Why a group we are welcomed into must be refused, or null if it matches the roster. */
export function groupRefusal(
  members: readonly GroupMember[],
  roster: readonly string[],
  selfId: string,
  known: ReadonlyMap<string, string> = new Map(),
): string | null {
  const announced = new Set(roster);
  const seen = new Set<string>();
  for (const { identity, signatureKey } of members) {
    if (seen.has(identity)) return `the group holds ${identity === selfId ? 'us' : identity} twice`;
    seen.add(identity);
    if (!announced.has(identity)) return `the group holds ${identity}, who is not in the meeting`;
    if (!sameKey(known, identity, signatureKey)) return `the group holds someone else in the place of ${identity}`;
  }
  if (!seen.has(selfId)) return 'the group does not hold us';
  return null;
}

/** The key a member id was first seen with in this meeting, if any, is the one it still has. */
export function sameKey(known: ReadonlyMap<string, string>, id: string, signatureKey: string): boolean {
  const first = known.get(id);
  return first === undefined || first === signatureKey;
}

/**
 * Members of the group the meeting does not show (or holds twice): while there are any, nothing
 * may be sent, because they would be able to decrypt it. Members shown but not yet in the group
 * are not listed: they cannot decrypt anything, they only wait for their keys.
 */
export function hiddenMembers(identities: readonly string[], roster: readonly string[]): string[] {
  const announced = new Set(roster);
  const seen = new Set<string>();
  const hidden: string[] = [];
  for (const identity of identities) {
    if (!announced.has(identity) || seen.has(identity)) hidden.push(identity);
    seen.add(identity);
  }
  return hidden;
}

/** A key package the delivery service asks us to add, as read from its leaf. */
export interface TaskAdd {
  memberId: string;
  keyPackage: Uint8Array;
  /** The key package's identity and signature key; null if it is not a valid key package. */
  leaf: { identity: string; signatureKey: string } | null;
}

/**
 * The part of a delivery service's task a committer may carry out: adds only of announced members
 * not yet in the group (never ourselves, never twice, never with another key than the one that
 * member had), removes only of members who left or rejoin (and only if the rejoin is accepted).
 * What is left out of the adds is reported as refused, so an honest server clears it.
 */
export function allowedTask(
  adds: readonly TaskAdd[],
  removes: readonly string[],
  group: readonly GroupMember[],
  roster: readonly string[],
  selfId: string,
  known: ReadonlyMap<string, string> = new Map(),
): { adds: TaskAdd[]; removes: string[]; refused: string[] } {
  const announced = new Set(roster);
  const present = new Set(group.map((m) => m.identity));
  const removable = new Set(removes.filter((id) => id !== selfId));
  const allowed: TaskAdd[] = [];
  const refused: string[] = [];
  const taken = new Set<string>();
  for (const add of adds) {
    const id = add.memberId;
    const rejoin = present.has(id) && removable.has(id);
    const valid = add.leaf !== null && add.leaf.identity === id && sameKey(known, id, add.leaf.signatureKey);
    if (id === selfId || !announced.has(id) || (present.has(id) && !rejoin) || taken.has(id) || !valid) refused.push(id);
    else {
      allowed.push(add);
      taken.add(id);
    }
  }
  // A member still in the meeting is removed only to be re-added in the same commit.
  const allowedRemoves = [...removable].filter((id) => !announced.has(id) || taken.has(id));
  return { adds: allowed, removes: allowedRemoves, refused };
}
