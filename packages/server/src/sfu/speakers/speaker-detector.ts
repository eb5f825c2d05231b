/**
 * Who is speaking, from RFC 6464 audio levels (0 = loudest, 127 = silence, in -dBov). Speech comes
 * in bursts with gaps, so a member's score is their *activity*: the share of recent packets louder
 * than `activeLevel`, averaged with a ~1 s time constant. The dominant speaker changes only when
 * another member has been clearly more active (by `margin`) for `holdMs` in a row, so it does not
 * flap when people talk over each other or cough. Silence keeps the last speaker. Times are
 * passed in, so tests feed them.
 */
export interface SpeakerDetectorOptions {
  /** A packet at this level or louder counts as voice (-dBov). */
  activeLevel?: number;
  /** Activity (0…1) from which a member counts as speaking. */
  speechThreshold?: number;
  /** How much more active a challenger must be than the dominant speaker. */
  margin?: number;
  /** How long a challenger must stay ahead before taking over, ms. */
  holdMs?: number;
  /** Time constant of the activity average, ms. */
  smoothingMs?: number;
}

interface Activity {
  value: number;
  updatedAt: number;
  lastSpokeAt: number;
}

/** A member whose packets stopped (muted, DTX) counts as silent after this long. */
const STALE_MS = 500;

export class SpeakerDetector {
  readonly #activeLevel: number;
  readonly #speechThreshold: number;
  readonly #margin: number;
  readonly #holdMs: number;
  readonly #smoothingMs: number;
  readonly #members = new Map<string, Activity>();
  #dominant: string | null = null;
  #challenger: string | null = null;
  #challengerSince = 0;

  constructor(options: SpeakerDetectorOptions = {}) {
    this.#activeLevel = options.activeLevel ?? 70;
    this.#speechThreshold = options.speechThreshold ?? 0.3;
    this.#margin = options.margin ?? 0.15;
    this.#holdMs = options.holdMs ?? 800;
    this.#smoothingMs = options.smoothingMs ?? 1000;
  }

  get dominant(): string | null {
    return this.#dominant;
  }

  /** One audio packet's level from `memberId` at `nowMs`. */
  onLevel(memberId: string, level: number, nowMs: number): void {
    const active = level <= this.#activeLevel ? 1 : 0;
    let entry = this.#members.get(memberId);
    if (!entry) {
      entry = { value: 0, updatedAt: nowMs, lastSpokeAt: 0 };
      this.#members.set(memberId, entry);
    }
    const alpha = 1 - Math.exp(-Math.max(1, nowMs - entry.updatedAt) / this.#smoothingMs);
    entry.value += (active - entry.value) * alpha;
    entry.updatedAt = nowMs;
    if (active && entry.value >= this.#speechThreshold) entry.lastSpokeAt = nowMs;
  }

  remove(memberId: string): void {
    this.#members.delete(memberId);
    if (this.#dominant === memberId) this.#dominant = null;
    if (this.#challenger === memberId) this.#challenger = null;
  }

  /** When `memberId` last spoke (ms), 0 if never. */
  lastSpokeAt(memberId: string): number {
    return this.#members.get(memberId)?.lastSpokeAt ?? 0;
  }

  #activity(entry: Activity | undefined, nowMs: number): number {
    return entry && nowMs - entry.updatedAt <= STALE_MS ? entry.value : 0;
  }

  /** Re-evaluates; returns the new dominant speaker when it changed, else null. */
  update(nowMs: number): string | null {
    let leader: string | null = null;
    let leaderActivity = Number.NEGATIVE_INFINITY;
    for (const [memberId, entry] of this.#members) {
      const activity = this.#activity(entry, nowMs);
      if (activity >= this.#speechThreshold && activity > leaderActivity) {
        leader = memberId;
        leaderActivity = activity;
      }
    }
    if (leader === null || leader === this.#dominant) {
      this.#challenger = null;
      return null;
    }
    const current = this.#dominant ? this.#activity(this.#members.get(this.#dominant), nowMs) : 0;
    if (current >= this.#speechThreshold && leaderActivity < current + this.#margin) {
      this.#challenger = null;
      return null;
    }
    if (this.#challenger !== leader) {
      this.#challenger = leader;
      this.#challengerSince = nowMs;
    }
    // The very first speaker takes over at once; later changes wait out the hold time.
    if (this.#dominant !== null && nowMs - this.#challengerSince < this.#holdMs) return null;
    this.#dominant = leader;
    this.#challenger = null;
    return leader;
  }
}
