import type { Bot } from '../bot/bot.ts';

/** A member's stay in its room (performance.now() ms); `leftAt` 0 while it stays. */
export interface Stay {
  bot: Bot;
  room: string;
  joinedAt: number;
  leftAt: number;
}

/** A receiver that did not get video from everyone it should have, in one interval. */
export interface Stall {
  at: number;
  receiver: string;
  room: string;
  flowing: number;
  expected: number;
}

/**
 * Looks, every interval, at whether each member got video from every other member of its room
 * who was there for the whole interval (and for `settleMs` before it: a newcomer's first key
 * frame takes a moment). A member with fewer advancing video streams than that is a stall.
 */
export class StallWatch {
  readonly stalls: Stall[] = [];
  readonly #settleMs: number;
  /** Packets per received SSRC at the last look, per bot. */
  readonly #last = new Map<Bot, Map<number, number>>();
  #lastLookAt = performance.now();

  constructor(settleMs: number) {
    this.#settleMs = settleMs;
  }

  look(stays: readonly Stay[]): void {
    const now = performance.now();
    const since = this.#lastLookAt;
    this.#lastLookAt = now;
    const settledThroughout = (s: Stay) => s.joinedAt <= since - this.#settleMs && (s.leftAt === 0 || s.leftAt >= now);
    for (const stay of stays) {
      if (stay.leftAt !== 0) {
        this.#last.delete(stay.bot);
        continue;
      }
      const counts = new Map<number, number>();
      for (const [ssrc, stream] of stay.bot.received) if (stream.kind === 'video') counts.set(ssrc, stream.packets);
      const previous = this.#last.get(stay.bot);
      this.#last.set(stay.bot, counts);
      if (!previous || !settledThroughout(stay)) continue;
      const expected = stays.filter((o) => o !== stay && o.room === stay.room && settledThroughout(o)).length;
      let flowing = 0;
      for (const [ssrc, packets] of counts) if (packets > (previous.get(ssrc) ?? 0)) flowing++;
      if (flowing < expected) {
        this.stalls.push({ at: now, receiver: stay.bot.options.name, room: stay.room, flowing, expected });
      }
    }
  }
}
