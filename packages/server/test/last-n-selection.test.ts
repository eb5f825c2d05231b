import { describe, expect, it } from 'vitest';
import type { Candidate } from '../src/sfu/speakers/selection.ts';
import { selectLastN } from '../src/sfu/speakers/selection.ts';

function candidate(memberId: string, lastSpokeAt: number, joinedAt: number): Candidate {
  return { memberId, lastSpokeAt, joinedAt };
}

/** Five members: e spoke last, then c, then a; b and d never spoke (b joined before d). */
const ROOM: Candidate[] = [
  candidate('a', 1000, 10),
  candidate('b', 0, 20),
  candidate('c', 2000, 30),
  candidate('d', 0, 5),
  candidate('e', 3000, 40),
];

describe('selectLastN', () => {
  describe('no limit to apply', () => {
    it('returns everyone in input order when n is negative (no limit)', () => {
      expect(selectLastN(ROOM, -1)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(selectLastN(ROOM, -1, ['e', 'd'])).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    it('returns everyone in input order when there are no more candidates than n', () => {
      expect(selectLastN(ROOM, 5)).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(selectLastN(ROOM, 50, ['e'])).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    it('returns nothing for no candidates', () => {
      expect(selectLastN([], 3)).toEqual([]);
      expect(selectLastN([], 0, ['a'])).toEqual([]);
      expect(selectLastN([], -1)).toEqual([]);
    });
  });

  it('returns nobody for n = 0, pins or not', () => {
    expect(selectLastN(ROOM, 0)).toEqual([]);
    expect(selectLastN(ROOM, 0, ['a'])).toEqual([]);
  });

  describe('speakers', () => {
    it('picks the most recent speakers, most recent first', () => {
      expect(selectLastN(ROOM, 1)).toEqual(['e']);
      expect(selectLastN(ROOM, 2)).toEqual(['e', 'c']);
      expect(selectLastN(ROOM, 3)).toEqual(['e', 'c', 'a']);
    });

    it('fills the rest with those who never spoke, earliest joined first', () => {
      expect(selectLastN(ROOM, 4)).toEqual(['e', 'c', 'a', 'd']);
    });

    it('shows the earliest joined in a meeting where nobody has spoken', () => {
      const quiet = [candidate('x', 0, 300), candidate('y', 0, 100), candidate('z', 0, 200), candidate('w', 0, 400)];
      expect(selectLastN(quiet, 2)).toEqual(['y', 'z']);
    });

    it('breaks a tie in speaking time by join time', () => {
      const tied = [candidate('late', 500, 90), candidate('early', 500, 10), candidate('other', 100, 1)];
      expect(selectLastN(tied, 2)).toEqual(['early', 'late']);
    });

    it('keeps input order for complete ties', () => {
      const same = [candidate('p', 7, 7), candidate('q', 7, 7), candidate('r', 7, 7)];
      expect(selectLastN(same, 2)).toEqual(['p', 'q']);
      expect(selectLastN([...same].reverse(), 2)).toEqual(['r', 'q']);
    });

    it('lets a new speaker push out the one silent for longest', () => {
      const before = selectLastN(ROOM, 3);
      expect(before).toEqual(['e', 'c', 'a']);
      const spoke = ROOM.map((c) => (c.memberId === 'd' ? { ...c, lastSpokeAt: 4000 } : c));
      expect(selectLastN(spoke, 3)).toEqual(['d', 'e', 'c']);
    });
  });

  describe('pins', () => {
    it('puts pinned members first, in pin order, then the speakers', () => {
      expect(selectLastN(ROOM, 3, ['b', 'd'])).toEqual(['b', 'd', 'e']);
      expect(selectLastN(ROOM, 3, ['d', 'b'])).toEqual(['d', 'b', 'e']);
    });

    it('does not list a pinned speaker twice', () => {
      expect(selectLastN(ROOM, 3, ['c'])).toEqual(['c', 'e', 'a']);
    });

    it('ignores pins of members who are not candidates', () => {
      expect(selectLastN(ROOM, 2, ['gone', 'b', 'also-gone'])).toEqual(['b', 'e']);
      expect(selectLastN(ROOM, 2, ['gone'])).toEqual(['e', 'c']);
    });

    it('keeps only the first n pins when more are pinned than fit', () => {
      expect(selectLastN(ROOM, 2, ['d', 'a', 'b'])).toEqual(['d', 'a']);
      expect(selectLastN(ROOM, 1, ['gone', 'b', 'a'])).toEqual(['b']);
    });

    it('counts a member pinned twice once', () => {
      // The pin message is a plain array from the client (protocol: up to 16 member ids, no
      // uniqueness check), and the router passes it on as it is.
      const result = selectLastN(ROOM, 3, ['b', 'b']);
      expect(result).toEqual(['b', 'e', 'c']);
      expect(new Set(result).size).toBe(result.length);
    });
  });

  describe('invariants', () => {
    it('always returns min(n, candidates) distinct candidates', () => {
      const pinsList: string[][] = [[], ['a'], ['e', 'gone'], ['d', 'c', 'b', 'a', 'e']];
      for (let n = 0; n <= 6; n++) {
        for (const pins of pinsList) {
          const result = selectLastN(ROOM, n, pins);
          expect(result).toHaveLength(Math.min(n, ROOM.length));
          expect(new Set(result).size).toBe(result.length);
          for (const id of result) expect(ROOM.some((c) => c.memberId === id)).toBe(true);
        }
      }
    });

    it('does not depend on the order of the candidates when their times differ', () => {
      const expected = selectLastN(ROOM, 3, ['b']);
      const orders = [[...ROOM].reverse(), [ROOM[2], ROOM[4], ROOM[0], ROOM[3], ROOM[1]] as Candidate[]];
      for (const order of orders) expect(selectLastN(order, 3, ['b'])).toEqual(expected);
    });

    it('gives the same answer every time (stable)', () => {
      const first = selectLastN(ROOM, 3);
      for (let i = 0; i < 5; i++) expect(selectLastN(ROOM, 3)).toEqual(first);
    });

    it('does not modify its arguments', () => {
      const candidates = ROOM.map((c) => ({ ...c }));
      const snapshot = structuredClone(candidates);
      const pins = ['d', 'gone', 'b'];
      selectLastN(candidates, 2, pins);
      expect(candidates).toEqual(snapshot);
      expect(pins).toEqual(['d', 'gone', 'b']);
    });
  });
});
