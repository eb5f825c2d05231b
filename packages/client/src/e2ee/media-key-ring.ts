import { makeKid, parseKid, senderBaseKey } from './mls-sframe-keys.ts';
import type { SFrameKey } from './sframe.ts';
import { deriveSFrameKey, SFrameSender } from './sframe.ts';

/** How long an epoch's keys still decrypt after the next epoch arrived: frames in flight. */
export const RETAIN_PREVIOUS_EPOCH_MS = 10_000;

interface EpochEntry {
  epoch: bigint;
  secret: Uint8Array;
  /** Leaf indices of the epoch's members: keys are derived for these senders only. */
  leaves: ReadonlySet<number>;
  /** When a newer epoch replaced it; null while current. */
  replacedAt: number | null;
}

/**
 * The SFrame keys of the current MLS epoch (and, briefly, the previous ones): our own sender key,
 * and every other sender's key derived on first use from its KID (leaf index + epoch bits).
 */
export class MediaKeyRing {
  readonly #epochs = new Map<number, EpochEntry>();
  readonly #keys = new Map<bigint, Promise<SFrameKey>>();
  #sender: SFrameSender | null = null;
  readonly #now: () => number;
  /** Bumped by every setEpoch and clear: a derivation that finishes late must not win. */
  #generation = 0;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Our sender, once we have keys; frames to send are dropped before that (never sent clear). */
  get sender(): SFrameSender | null {
    return this.#sender;
  }

  get currentEpoch(): bigint | null {
    for (const entry of this.#epochs.values()) if (entry.replacedAt === null) return entry.epoch;
    return null;
  }

  async setEpoch(epoch: bigint, secret: Uint8Array, ownLeafIndex: number, memberLeaves: readonly number[]): Promise<void> {
    const now = this.#now();
    for (const entry of this.#epochs.values()) entry.replacedAt ??= now;
    const { epochLow } = parseKid(makeKid(0, epoch));
    this.#epochs.set(epochLow, { epoch, secret, leaves: new Set(memberLeaves), replacedAt: null });
    for (const kid of this.#keys.keys()) if (parseKid(kid).epochLow === epochLow) this.#keys.delete(kid);
    const generation = ++this.#generation;
    const kid = makeKid(ownLeafIndex, epoch);
    const key = await deriveSFrameKey(await senderBaseKey(secret, ownLeafIndex), kid);
    if (generation !== this.#generation) return;
    if (this.#sender) this.#sender.rekey(key);
    else this.#sender = new SFrameSender(key);
  }

  /** The key for a received frame's KID, or undefined if no live epoch of ours has that sender. */
  keyFor(kid: bigint): Promise<SFrameKey> | undefined {
    const { leafIndex, epochLow } = parseKid(kid);
    const entry = this.#epochs.get(epochLow);
    // A KID no member of that epoch has (forged, or injected by the SFU): no key, no work.
    if (!entry?.leaves.has(leafIndex)) return undefined;
    if (entry.replacedAt !== null && this.#now() - entry.replacedAt > RETAIN_PREVIOUS_EPOCH_MS) {
      this.#forget(epochLow);
      return undefined;
    }
    let key = this.#keys.get(kid);
    if (!key) {
      key = senderBaseKey(entry.secret, leafIndex).then((base) => deriveSFrameKey(base, kid));
      this.#keys.set(kid, key);
    }
    return key;
  }

  /** Drops every key (leaving the meeting). */
  clear(): void {
    this.#generation++;
    for (const epochLow of [...this.#epochs.keys()]) this.#forget(epochLow);
    this.#sender = null;
  }

  #forget(epochLow: number): void {
    this.#epochs.get(epochLow)?.secret.fill(0);
    this.#epochs.delete(epochLow);
    for (const kid of this.#keys.keys()) if (parseKid(kid).epochLow === epochLow) this.#keys.delete(kid);
  }
}
