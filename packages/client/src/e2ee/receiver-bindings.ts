/**
 * Which member's media each receiver may carry, as the page last bound it (from the server's slot
 * assignments, or the peer of a peer-to-peer connection). A frame is only shown on a receiver
 * bound to the member whose KID it carries, so a server cannot pass one member's media off as
 * another's.
 */

/**
 * The server re-binds a receive slot over the WebSocket at about the time the new member's first
 * key frame arrives over UDP: a frame from another member waits this long for that re-binding.
 */
export const REBIND_WAIT_MS = 500;
/** After a re-binding, the previous member's frames still in flight are dropped without waiting. */
export const STALE_AFTER_REBIND_MS = 2000;

interface Slot {
  /** The member whose frames pass; null: nobody's; undefined: never bound. */
  member: string | null | undefined;
  previous: string | null | undefined;
  reboundAt: number;
  /** Until when frames may wait for the next binding (0: nobody waited since the last one). */
  waitUntil: number;
  rebound: Promise<void>;
  resolveRebound: () => void;
}

export class ReceiverBindings {
  readonly #slots = new Map<number, Slot>();
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(
    now: () => number = () => performance.now(),
    sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.#now = now;
    this.#sleep = sleep;
  }

  bind(receiverId: number, member: string | null): void {
    const slot = this.#slot(receiverId);
    if (slot.member === member) return;
    slot.previous = slot.member;
    slot.member = member;
    slot.reboundAt = this.#now();
    slot.waitUntil = 0;
    const waiting = slot.resolveRebound;
    Object.assign(slot, signal());
    waiting();
  }

  /** The member a receiver carries: null for nobody, undefined if never bound. */
  memberOf(receiverId: number): string | null | undefined {
    return this.#slots.get(receiverId)?.member;
  }

  /** Forgets a receiver whose frames stopped for good (its transform ended). */
  forget(receiverId: number): void {
    const slot = this.#slots.get(receiverId);
    this.#slots.delete(receiverId);
    slot?.resolveRebound();
  }

  /**
   * Whether a frame from `sender` may pass on this receiver: at once if it is bound to `sender`;
   * otherwise after waiting for a re-binding to `sender` — one shared wait per re-binding, so
   * once it has run out later frames are refused at once instead of piling up behind it.
   */
  async admit(receiverId: number, sender: string): Promise<boolean> {
    const slot = this.#slot(receiverId);
    if (slot.member === sender) return true;
    const now = this.#now();
    if (slot.previous === sender && now - slot.reboundAt <= STALE_AFTER_REBIND_MS) return false;
    if (slot.waitUntil === 0) slot.waitUntil = now + REBIND_WAIT_MS;
    if (now >= slot.waitUntil) return false;
    await Promise.race([slot.rebound, this.#sleep(slot.waitUntil - now)]);
    return slot.member === sender;
  }

  #slot(receiverId: number): Slot {
    let slot = this.#slots.get(receiverId);
    if (!slot) {
      slot = { member: undefined, previous: undefined, reboundAt: 0, waitUntil: 0, ...signal() };
      this.#slots.set(receiverId, slot);
    }
    return slot;
  }
}

function signal(): Pick<Slot, 'rebound' | 'resolveRebound'> {
  let resolveRebound = () => {};
  const rebound = new Promise<void>((resolve) => {
    resolveRebound = resolve;
  });
  return { rebound, resolveRebound };
}
