import { FIRST_CYCLE, unwrapSequence } from './sequence.ts';

/**
 * Which packets of an incoming stream are missing and should be asked for again (RFC 4585 generic
 * NACK): gaps in the sequence numbers, asked for after a short reordering grace, asked at most
 * three times in all, and given up after a second (a late packet is no use to anyone). Times are passed
 * in, so tests feed them.
 */
const REORDER_GRACE_MS = 10;
const RETRY_INTERVAL_MS = 100;
const MAX_REQUESTS = 3;
const GIVE_UP_MS = 1000;
/** A bigger jump is a restart or a long outage, not loss worth repairing. */
const MAX_GAP = 200;
/**
 * The most packets tracked as missing at once (docs/reliability.md). Honest video is at most
 * ~250 packets/s, given up after 1 s: even 30% loss stays under 80. A sender whose sequence
 * jumps by MAX_GAP on every packet pushes the oldest out instead of growing the map.
 */
export const MAX_TRACKED_MISSING = 256;

interface Missing {
  since: number;
  lastRequestAt: number;
  requests: number;
}

export class NackTracker {
  #highest = -1;
  readonly #missing = new Map<number, Missing>();
  /** Packets that arrived after being reported missing. */
  recovered = 0;

  onPacket(sequence: number, nowMs: number): void {
    const extended = this.#extend(sequence);
    if (this.#highest < 0) {
      this.#highest = extended;
      return;
    }
    if (extended > this.#highest) {
      const gap = extended - this.#highest - 1;
      if (gap > MAX_GAP) this.#missing.clear();
      else
        for (let s = this.#highest + 1; s < extended; s++) this.#missing.set(s, { since: nowMs, lastRequestAt: 0, requests: 0 });
      this.#highest = extended;
      // Oldest first (insertion order): they are the least likely to be recovered in time.
      for (const sequence of this.#missing.keys()) {
        if (this.#missing.size <= MAX_TRACKED_MISSING) break;
        this.#missing.delete(sequence);
      }
    } else if (this.#missing.delete(extended)) {
      this.recovered++;
    }
  }

  #extend(sequence: number): number {
    return this.#highest < 0 ? FIRST_CYCLE + sequence : unwrapSequence(this.#highest, sequence);
  }

  /** Sequence numbers (16 bit) to NACK now; marks them requested. */
  due(nowMs: number): number[] {
    const out: number[] = [];
    for (const [sequence, entry] of this.#missing) {
      if (entry.requests >= MAX_REQUESTS || nowMs - entry.since > GIVE_UP_MS) {
        this.#missing.delete(sequence);
        continue;
      }
      if (nowMs - entry.since < REORDER_GRACE_MS) continue;
      if (entry.requests > 0 && nowMs - entry.lastRequestAt < RETRY_INTERVAL_MS) continue;
      entry.requests++;
      entry.lastRequestAt = nowMs;
      out.push(sequence & 0xffff);
    }
    return out;
  }

  get missingCount(): number {
    return this.#missing.size;
  }
}
