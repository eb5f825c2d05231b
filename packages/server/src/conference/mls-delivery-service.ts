import type { ServerMessage } from '@sotto/protocol';
import { ProtocolError } from '../errors.ts';

export interface MlsCommitRequest {
  epoch: number;
  commit?: string | undefined;
  welcome?: string | undefined;
  added: string[];
  removed: string[];
  refused?: string[] | undefined;
}

type Send = (memberId: string, message: ServerMessage) => void;

/**
 * A member already in the group may rejoin (a new key package, which costs everyone an epoch) at
 * once, and again only this long after; a sooner one waits, replacing any still waiting
 * (docs/reliability.md). Honest clients rejoin rarely (a lost commit); this stops a client from
 * forcing epochs on everyone as fast as it can send.
 */
export const REJOIN_INTERVAL_MS = 10_000;

/**
 * A key package is ~500 characters of base64 (X25519 + Ed25519). Every pending one goes to the
 * committer in each task, so their size is bounded: 50 members × 8 KiB stays well under the
 * 1 MiB a socket may have waiting (docs/reliability.md).
 */
export const MAX_KEY_PACKAGE_LENGTH = 8 * 1024;

export interface MlsDeliveryServiceOptions {
  rejoinIntervalMs?: number;
  now?: () => number;
  schedule?: (run: () => void, ms: number) => { cancel(): void };
}

/**
 * The MLS delivery service of one end-to-end encrypted room (RFC 9420 §16.3 leaves ordering to
 * it). It passes opaque key packages, commits and Welcomes, and never holds a key.
 *
 * Who commits: one member at a time, the longest-present member of the group (the "committer").
 * The server gives it every pending add (key packages) and remove (members gone or rejoining)
 * as an `mls-task`, and accepts a commit only if it is built on the current epoch — so commits
 * are totally ordered and concurrent joins or leaves are batched into the next commit instead of
 * conflicting. If the committer leaves, the next member takes over with the same pending work.
 */
export class MlsDeliveryService {
  readonly #send: Send;
  /** Current epoch of the group; null while there is no group. */
  #epoch: number | null = null;
  /** Present members, oldest first. */
  readonly #present: string[] = [];
  readonly #inGroup = new Set<string>();
  readonly #pendingAdds = new Map<string, string>();
  readonly #pendingRemoves = new Set<string>();
  #lastTask = '';
  /** The member asked to create the group: it stays the creator while it is here and waiting. */
  #creator: string | null = null;
  readonly #rejoinIntervalMs: number;
  readonly #now: () => number;
  readonly #schedule: NonNullable<MlsDeliveryServiceOptions['schedule']>;
  /** When each member last rejoined; a rejoin sooner than allowed waits in #deferred. */
  readonly #lastKeyPackageAt = new Map<string, number>();
  readonly #deferred = new Map<string, { keyPackage: string; timer: { cancel(): void } }>();

  constructor(send: Send, options: MlsDeliveryServiceOptions = {}) {
    this.#send = send;
    this.#rejoinIntervalMs = options.rejoinIntervalMs ?? REJOIN_INTERVAL_MS;
    this.#now = options.now ?? (() => performance.now());
    this.#schedule =
      options.schedule ??
      ((run, ms) => {
        const timer = setTimeout(run, ms);
        timer.unref?.();
        return { cancel: () => clearTimeout(timer) };
      });
  }

  get epoch(): number | null {
    return this.#epoch;
  }

  /** The member that commits now, if any. */
  get committer(): string | undefined {
    if (this.#epoch === null) {
      const waiting = (id: string) => this.#present.includes(id) && this.#pendingAdds.has(id);
      if (this.#creator && waiting(this.#creator)) return this.#creator;
      return this.#present.find(waiting);
    }
    return this.#present.find((id) => this.#inGroup.has(id) && !this.#pendingRemoves.has(id));
  }

  memberJoined(memberId: string): void {
    this.#present.push(memberId);
  }

  memberLeft(memberId: string): void {
    const index = this.#present.indexOf(memberId);
    if (index >= 0) this.#present.splice(index, 1);
    this.#pendingAdds.delete(memberId);
    this.#deferred.get(memberId)?.timer.cancel();
    this.#deferred.delete(memberId);
    this.#lastKeyPackageAt.delete(memberId);
    if (this.#inGroup.has(memberId)) this.#pendingRemoves.add(memberId);
    this.#dispatch();
  }

  /** "Add me" — a first join, or a member that lost its group state and rejoins. */
  keyPackage(memberId: string, keyPackage: string): void {
    if (keyPackage.length > MAX_KEY_PACKAGE_LENGTH) {
      throw new ProtocolError('bad-message', `a key package is at most ${MAX_KEY_PACKAGE_LENGTH} characters of base64`);
    }
    const deferred = this.#deferred.get(memberId);
    if (deferred) {
      deferred.keyPackage = keyPackage;
      return;
    }
    const now = this.#now();
    const rejoin = this.#inGroup.has(memberId);
    const last = this.#lastKeyPackageAt.get(memberId);
    if (rejoin && last !== undefined && now - last < this.#rejoinIntervalMs) {
      const timer = this.#schedule(
        () => {
          const waiting = this.#deferred.get(memberId);
          this.#deferred.delete(memberId);
          if (waiting && this.#present.includes(memberId)) this.keyPackage(memberId, waiting.keyPackage);
        },
        last + this.#rejoinIntervalMs - now,
      );
      this.#deferred.set(memberId, { keyPackage, timer });
      return;
    }
    if (rejoin) {
      this.#lastKeyPackageAt.set(memberId, now);
      this.#pendingRemoves.add(memberId);
    }
    this.#pendingAdds.set(memberId, keyPackage);
    this.#dispatch();
  }

  create(memberId: string): void {
    if (this.#epoch !== null || this.committer !== memberId) {
      throw new ProtocolError('stale-epoch', 'the group exists already or another member creates it');
    }
    this.#epoch = 0;
    this.#inGroup.add(memberId);
    this.#pendingAdds.delete(memberId);
    this.#dispatch();
  }

  commit(memberId: string, request: MlsCommitRequest): void {
    if (this.#epoch === null || this.committer !== memberId || request.epoch !== this.#epoch) {
      throw new ProtocolError('stale-epoch', `the group is at epoch ${this.#epoch ?? 'none'}, or another member commits`);
    }
    const refused = request.refused ?? [];
    const unknownAdd = [...request.added, ...refused].find((id) => !this.#pendingAdds.has(id));
    const unknownRemove = request.removed.find((id) => !this.#pendingRemoves.has(id));
    if (unknownAdd || unknownRemove) throw new ProtocolError('bad-message', 'the commit names a member with no pending change');
    const hasCommit = request.commit !== undefined;
    const adds = request.added.length > 0;
    if ((adds && (!hasCommit || request.welcome === undefined)) || (request.welcome !== undefined && !adds)) {
      throw new ProtocolError('bad-message', 'a commit that adds members carries their Welcome, and only then');
    }
    if (hasCommit && !adds && request.removed.length === 0) throw new ProtocolError('bad-message', 'an empty commit');
    // Someone left after the task was handed out: a Welcome into a group still holding them shows
    // the newcomers a member the meeting no longer has, and they refuse it (and would wait for
    // keys forever). The task that removes them too is already on its way to the committer.
    const departed = [...this.#pendingRemoves].filter((id) => !this.#present.includes(id));
    if (adds && departed.some((id) => !request.removed.includes(id))) {
      throw new ProtocolError('stale-epoch', 'a member left meanwhile: the next task removes them as well');
    }
    for (const id of refused) this.#pendingAdds.delete(id);
    if (hasCommit) this.#apply(memberId, request as MlsCommitRequest & { commit: string });
    // Removed without a commit: members the committer's tree never had.
    else for (const id of request.removed) this.#forget(id);
    this.#dispatch();
  }

  #apply(from: string, request: MlsCommitRequest & { commit: string }): void {
    const epoch = this.#epoch as number;
    for (const id of this.#inGroup) {
      if (id !== from && this.#present.includes(id)) {
        this.#send(id, { type: 'mls-commit', from, epoch, commit: request.commit });
      }
    }
    for (const id of request.removed) this.#forget(id);
    for (const id of request.added) {
      this.#pendingAdds.delete(id);
      this.#inGroup.add(id);
      this.#send(id, { type: 'mls-welcome', from, epoch: epoch + 1, welcome: request.welcome as string });
    }
    this.#epoch = epoch + 1;
  }

  #forget(memberId: string): void {
    this.#inGroup.delete(memberId);
    this.#pendingRemoves.delete(memberId);
  }

  /** Gives the committer the pending work, once per distinct task. */
  #dispatch(): void {
    if (this.#epoch !== null && ![...this.#inGroup].some((id) => this.#present.includes(id) && !this.#pendingRemoves.has(id))) {
      // Nobody left who holds the group: start a new one from the members waiting to join.
      this.#epoch = null;
      this.#inGroup.clear();
      this.#pendingRemoves.clear();
    }
    const committer = this.committer;
    if (!committer) return;
    this.#creator = this.#epoch === null ? committer : null;
    const adds = [...this.#pendingAdds].filter(([id]) => id !== committer || this.#epoch !== null);
    const removes = [...this.#pendingRemoves];
    if (this.#epoch !== null && adds.length === 0 && removes.length === 0) return;
    const task: ServerMessage = {
      type: 'mls-task',
      epoch: this.#epoch,
      adds: this.#epoch === null ? [] : adds.map(([memberId, keyPackage]) => ({ memberId, keyPackage })),
      removes: this.#epoch === null ? [] : removes,
    };
    const key = JSON.stringify([committer, task]);
    if (key === this.#lastTask) return;
    this.#lastTask = key;
    this.#send(committer, task);
  }
}
