/**
 * Last-N: which members' video (or audio) a receiver gets when there are more than `n` to choose
 * from. Pinned members first (in pin order), then the most recent speakers, then the earliest
 * joined — so a quiet meeting shows a stable set and a new speaker pushes out the longest silent.
 */
export interface Candidate {
  memberId: string;
  lastSpokeAt: number;
  joinedAt: number;
}

export function selectLastN(candidates: readonly Candidate[], n: number, pinned: readonly string[] = []): string[] {
  if (n < 0 || candidates.length <= n) return candidates.map((c) => c.memberId);
  const present = new Set(candidates.map((c) => c.memberId));
  const chosen = [...new Set(pinned)].filter((id) => present.has(id)).slice(0, n);
  const rest = candidates
    .filter((c) => !chosen.includes(c.memberId))
    .sort((a, b) => b.lastSpokeAt - a.lastSpokeAt || a.joinedAt - b.joinedAt);
  for (const c of rest) {
    if (chosen.length >= n) break;
    chosen.push(c.memberId);
  }
  return chosen;
}
