import { makeKid, parseKid, senderBaseKey } from './mls-sframe-keys.ts';
import { ReplayWindow } from './replay-window.ts';
import type { SFrameKey } from './sframe.ts';
import { deriveSFrameKey, SFrameSender } from './sframe.ts';

/** How long an epoch's keys still decrypt after the next epoch arrived: frames in flight. */
export const RETAIN_PREVIOUS_EPOCH_MS = 10_000;

/** A member of an epoch: its MLS leaf and its identity (the server member id it joined with). */
export interface EpochMember {
  leafIndex: number;
  identity: string;
}

interface EpochEntry {
  epoch: bigint;
  secret: Uint8Array;
  /** Identity by leaf index of the epoch's members: keys are derived for these senders only. */
  members: ReadonlyMap<number, string>;
  /** When a newer epoch replaced it; null while current. */
  replacedAt: number | null;
}

/** What a receiver keeps per sender KID: its key, and the counters it already accepted. */
interface SenderState {
  key: Promise<SFrameKey>;
  replay: ReplayWindow;
}

/**
 * The SFrame keys of the current MLS epoch (and, briefly, the previous ones): our own sender key,
 * and every other sender's key derived on first use from its KID (leaf index + epoch bits), with
 * that sender's replay window and identity.
 */
export class MediaKeyRing {
  readonly #epochs = new Map<number, EpochEntry>();
  readonly #senders = new Map<bigint, SenderState>();
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

  /**
   * Whether a KID we have no key for may belong to the epoch after ours (or to the first, before
   * we have any): its sender processed the commit before us, so its keys are worth a short wait.
   */
  mayBeNextEpoch(kid: bigint): boolean {
    const current = this.currentEpoch;
    return current === null || parseKid(kid).epochLow === parseKid(makeKid(0, current + 1n)).epochLow;
  }

  async setEpoch(epoch: bigint, secret: Uint8Array, ownLeafIndex: number, members: ReadonlyArray<EpochMember>): Promise<void> {
    const now = this.#now();
    for (const entry of this.#epochs.values()) entry.replacedAt ??= now;
    const { epochLow } = parseKid(makeKid(0, epoch));
    const previous = this.#epochs.get(epochLow);
    const identities = new Map(members.map((m) => [m.leafIndex, m.identity]));
    this.#epochs.set(epochLow, { epoch, secret, members: identities, replacedAt: null });
    // The same epoch delivered again keeps its replay windows (its senders keep counting); new
    // keys under reused epoch bits start from fresh ones (their senders count from 0).
    if (previous && previous.epoch === epoch && equalBytes(previous.secret, secret)) {
      if (previous.secret !== secret) previous.secret.fill(0);
    } else {
      for (const kid of this.#senders.keys()) if (parseKid(kid).epochLow === epochLow) this.#senders.delete(kid);
    }
    const generation = ++this.#generation;
    const kid = makeKid(ownLeafIndex, epoch);
    const key = await deriveSFrameKey(await senderBaseKey(secret, ownLeafIndex), kid);
    if (generation !== this.#generation) return;
    if (this.#sender) this.#sender.rekey(key);
    else this.#sender = new SFrameSender(key);
  }

  /** The key for a received frame's KID, or undefined if no live epoch of ours has that sender. */
  keyFor(kid: bigint): Promise<SFrameKey> | undefined {
    return this.#senderState(kid)?.key;
  }

  /** The counters already accepted from a KID's sender; undefined like keyFor. */
  replayWindow(kid: bigint): ReplayWindow | undefined {
    return this.#senderState(kid)?.replay;
  }

  /** The identity (member id) of a KID's sender, or undefined if no live epoch of ours has it. */
  senderOf(kid: bigint): string | undefined {
    const { leafIndex, epochLow } = parseKid(kid);
    return this.#liveEpoch(epochLow)?.members.get(leafIndex);
  }

  /** Drops every key (leaving the meeting). */
  clear(): void {
    this.#generation++;
    for (const epochLow of [...this.#epochs.keys()]) this.#forget(epochLow);
    this.#sender = null;
  }

  #senderState(kid: bigint): SenderState | undefined {
    const { leafIndex, epochLow } = parseKid(kid);
    const entry = this.#liveEpoch(epochLow);
    // A KID no member of that epoch has (forged, or injected by the SFU): no key, no work.
    if (!entry?.members.has(leafIndex)) return undefined;
    let state = this.#senders.get(kid);
    if (!state) {
      const key = senderBaseKey(entry.secret, leafIndex).then((base) => deriveSFrameKey(base, kid));
      state = { key, replay: new ReplayWindow() };
      this.#senders.set(kid, state);
    }
    return state;
  }

  /** The epoch with these KID bits, unless its retention ran out (then it is forgotten). */
  #liveEpoch(epochLow: number): EpochEntry | undefined {
    const entry = this.#epochs.get(epochLow);
    if (entry && entry.replacedAt !== null && this.#now() - entry.replacedAt > RETAIN_PREVIOUS_EPOCH_MS) {
      this.#forget(epochLow);
      return undefined;
    }
    return entry;
  }

  #forget(epochLow: number): void {
    this.#epochs.get(epochLow)?.secret.fill(0);
    this.#epochs.delete(epochLow);
    for (const kid of this.#senders.keys()) if (parseKid(kid).epochLow === epochLow) this.#senders.delete(kid);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
