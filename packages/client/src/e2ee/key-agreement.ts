import type { RequestOf, ServerMessage } from '@sotto/protocol';
import { Emitter } from '../emitter.ts';
import { safeFromBase64, toBase64 } from './base64.ts';
import { allowedTask, commitRefusal, groupRefusal } from './membership-rules.ts';
import type { GroupMember, MlsGroup } from './mls-group.ts';
import { CommitRefused, epochOf, keyPackageLeaf, PendingMember, SigningKey } from './mls-group.ts';
import { SFRAME_EXPORTER_LABEL, SFRAME_EXPORTER_LENGTH } from './mls-sframe-keys.ts';
import { unwrapPrivate, wrapPrivate } from './sealed-message.ts';

/** The MLS requests a member sends to the delivery service (see packages/protocol mls-messages). */
export type MlsRequest = RequestOf<'mls-key-package' | 'mls-create' | 'mls-commit' | 'relay'>;

/** Everything the media layer needs from one epoch. */
export interface EpochKeys {
  epoch: bigint;
  /** MLS exporter output that the SFrame base keys of every sender are derived from (RFC 9605 §5.2). */
  sframeSecret: Uint8Array;
  ownLeafIndex: number;
  /** Same on every member in this epoch; shown as the short authentication string. */
  authenticator: Uint8Array;
  members: GroupMember[];
}

export interface KeyAgreementEvents {
  epoch: [EpochKeys];
  /**
   * Application data from another member (its MLS-authenticated id), decrypted with the group's
   * keys; `privately` when it was sealed for us alone (see `send`).
   */
  message: [from: string, data: Uint8Array, privately: boolean];
  /** We lost the group (a commit we could not process) and are joining it again. */
  rejoining: [];
  /**
   * A commit or Welcome broke the membership rules (someone not in the meeting, a duplicate, the
   * wrong committer): it was not applied. The reason is for the person, in plain words.
   */
  refused: [string];
}

type MlsEvent = Extract<ServerMessage, { type: 'mls-task' | 'mls-commit' | 'mls-welcome' | 'relay' }>;

/**
 * One member's side of the group key agreement: sends its key package, creates the group or
 * joins it from a Welcome, commits the membership changes the delivery service hands it, and
 * follows everyone else's commits. Events are handled strictly one after another, in the order
 * the server sent them. Runs in browsers and in Node (bots).
 *
 * The server is not trusted with membership: every commit and Welcome is checked against the
 * roster — the participants the meeting announced when the message arrived (membership-rules.ts).
 */
export class KeyAgreement extends Emitter<KeyAgreementEvents> {
  readonly selfId: string;
  readonly #request: (message: MlsRequest) => Promise<unknown>;
  #pending: PendingMember | null = null;
  #group: MlsGroup | null = null;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  /** The announced participants in join order, ourselves included (see setRoster). */
  #roster: readonly string[];
  /** Our signature key for this whole meeting (a rejoin reuses it). */
  #signing: Promise<SigningKey> | null = null;
  /** Every member id seen in our group so far → its signature key (see membership-rules.ts). */
  readonly #known = new Map<string, string>();

  constructor(selfId: string, request: (message: MlsRequest) => Promise<unknown>) {
    super();
    this.selfId = selfId;
    this.#request = request;
    this.#roster = [selfId];
  }

  get epoch(): bigint | null {
    return this.#group?.epoch ?? null;
  }

  /**
   * The meeting's participants as announced so far, in join order, ourselves included. Call it
   * whenever a join or leave is announced, before handing over the MLS events that follow it:
   * each event is checked against the roster as it was when the event arrived.
   */
  setRoster(ids: readonly string[]): void {
    this.#roster = [...ids];
  }

  /** Asks to be added to the group. */
  start(): Promise<void> {
    return this.#enqueue(() => this.#sendKeyPackage());
  }

  handle(event: MlsEvent): void {
    const roster = this.#roster;
    this.#enqueue(() => this.#handle(event, roster)).catch(() => {});
  }

  /**
   * Encrypts `data` for the group and relays it; the server sees only MLS ciphertext. With `to`
   * (a member id), the data is first sealed for that member alone and relayed only to them:
   * neither the server nor another member could read it, even if the server passed it on.
   */
  send(data: Uint8Array, to?: string): Promise<void> {
    return this.#enqueue(async () => {
      const group = this.#group;
      if (!group) throw new Error('not in the encrypted group yet');
      let payload = data;
      if (to !== undefined) {
        const recipient = group.members().find((m) => m.identity === to);
        if (!recipient) throw new Error('that participant does not hold the meeting keys yet');
        payload = wrapPrivate(recipient.leafIndex, await group.sealFor(recipient.leafIndex, data));
      }
      const { message, next } = await group.encrypt(payload);
      this.#group = next;
      await this.#request({ type: 'relay', payload: toBase64(message), ...(to === undefined ? {} : { to }) });
    });
  }

  close(): void {
    this.#closed = true;
    this.#group = null;
    this.#pending = null;
  }

  #enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(() => (this.#closed ? undefined : job()));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #handle(event: MlsEvent, roster: readonly string[]): Promise<void> {
    switch (event.type) {
      case 'mls-task':
        return event.epoch === null ? this.#create() : this.#commit(event.epoch, event.adds, event.removes, roster);
      case 'mls-commit':
        return this.#follow(event.epoch, event.commit, roster);
      case 'mls-welcome':
        return this.#join(event.welcome, roster);
      case 'relay':
        return this.#receive(event.from, event.payload);
    }
  }

  async #sendKeyPackage(): Promise<void> {
    this.#group = null;
    this.#signing ??= SigningKey.generate();
    this.#pending = await PendingMember.generate(this.selfId, await this.#signing);
    await this.#request({ type: 'mls-key-package', keyPackage: toBase64(this.#pending.encoded) });
  }

  async #rejoin(): Promise<void> {
    this.emit('rejoining');
    await this.#sendKeyPackage();
  }

  async #create(): Promise<void> {
    if (!this.#pending) return;
    const group = await this.#pending.createGroup();
    try {
      await this.#request({ type: 'mls-create' });
    } catch {
      return; // Someone else created it; our key package stays pending for their Welcome.
    }
    await this.#enter(group);
  }

  async #commit(
    epoch: number,
    adds: Array<{ memberId: string; keyPackage: string }>,
    removes: string[],
    roster: readonly string[],
  ): Promise<void> {
    const group = this.#group;
    if (!group) return;
    // A task for an epoch our own just-accepted commit already moved past: a newer task follows.
    if (BigInt(epoch) < group.epoch) return;
    if (BigInt(epoch) > group.epoch) return this.#rejoin();
    const members = group.members();
    const decoded = adds.map((a) => {
      const keyPackage = safeFromBase64(a.keyPackage);
      return { memberId: a.memberId, keyPackage, leaf: keyPackageLeaf(keyPackage) };
    });
    const task = allowedTask(decoded, removes, members, roster, this.selfId, this.#known);
    const present = new Set(members.map((m) => m.identity));
    const removed = task.removes.filter((id) => present.has(id));
    const { pending, added, refused: invalid } = await group.commit(task.adds, removed);
    const refused = [...task.refused, ...invalid];
    // Members we were asked to remove that our tree never had need no commit, but must be cleared.
    const cleared = task.removes.filter((id) => !present.has(id));
    try {
      await this.#request({
        type: 'mls-commit',
        epoch,
        ...(pending ? { commit: toBase64(pending.commit) } : {}),
        ...(pending?.welcome ? { welcome: toBase64(pending.welcome) } : {}),
        added: pending ? added : [],
        removed: pending ? [...removed, ...cleared] : cleared,
        refused,
      });
    } catch {
      return; // Not accepted (the group moved on): a new task will come.
    }
    if (pending) await this.#enter(pending.next);
  }

  async #follow(epoch: number, commit: string, roster: readonly string[]): Promise<void> {
    const group = this.#group;
    if (!group || BigInt(epoch) < group.epoch) return; // Not ours yet, or already applied.
    if (BigInt(epoch) > group.epoch) return this.#rejoin(); // We missed a commit.
    let next: MlsGroup;
    try {
      next = await group.processCommit(safeFromBase64(commit), (change) =>
        commitRefusal(change, roster, this.selfId, this.#known),
      );
    } catch (error) {
      // Refused: we stay on the epoch we trust (and send nothing new to anyone outside it).
      if (error instanceof CommitRefused) return void this.emit('refused', error.message);
      return this.#rejoin();
    }
    if (!next.members().some((m) => m.identity === this.selfId)) return this.#rejoin(); // We were removed.
    await this.#enter(next);
  }

  async #join(welcome: string, roster: readonly string[]): Promise<void> {
    if (this.#group || !this.#pending) return;
    let group: MlsGroup;
    try {
      group = await this.#pending.join(safeFromBase64(welcome));
    } catch {
      return this.#rejoin();
    }
    const refusal = groupRefusal(group.members(), roster, this.selfId, this.#known);
    // Refused: we stay outside, holding no keys; a later Welcome may bring an honest group.
    if (refusal) return void this.emit('refused', refusal);
    await this.#enter(group);
  }

  async #receive(from: string, payload: string): Promise<void> {
    const group = this.#group;
    const bytes = safeFromBase64(payload);
    if (!group || epochOf(bytes) === null) return;
    let decrypted: Awaited<ReturnType<MlsGroup['decrypt']>>;
    try {
      decrypted = await group.decrypt(bytes);
    } catch {
      return; // Not decryptable (an epoch we never had, or forged): dropped.
    }
    this.#group = decrypted.next;
    // The server says who sent it; MLS proves it. A message relabelled by the server is dropped.
    if (decrypted.sender.identity !== from) return;
    const sealed = unwrapPrivate(decrypted.data);
    if (!sealed) return void this.emit('message', from, decrypted.data, false);
    // Sealed for someone else (a server passing private messages around): unreadable, dropped.
    if (sealed.toLeaf !== group.ownLeafIndex) return;
    const opened = await group.openSealed(decrypted.sender.leafIndex, decrypted.epoch, sealed.sealed).catch(() => null);
    if (opened) this.emit('message', from, opened, true);
  }

  async #enter(group: MlsGroup): Promise<void> {
    this.#group = group;
    this.#pending = null;
    for (const member of group.members())
      if (!this.#known.has(member.identity)) this.#known.set(member.identity, member.signatureKey);
    this.emit('epoch', {
      epoch: group.epoch,
      sframeSecret: await group.exportSecret(SFRAME_EXPORTER_LABEL, SFRAME_EXPORTER_LENGTH),
      ownLeafIndex: group.ownLeafIndex,
      authenticator: group.epochAuthenticator,
      members: group.members(),
    });
  }
}
