import { Emitter } from '../emitter.ts';
import type { EpochKeys, KeyAgreementEvents, MlsRequest } from './key-agreement.ts';
import { KeyAgreement } from './key-agreement.ts';
import type { E2eeWorkerSource, EncodedTransformApi } from './media-encryption.ts';
import { MediaEncryption } from './media-encryption.ts';
import { hiddenMembers } from './membership-rules.ts';
import type { SasSymbol } from './sas.ts';
import { decodeSasMessage, encodeSasMessage, SasExchange } from './sas-exchange.ts';
import type { E2eeFrameStats } from './worker-messages.ts';

/**
 * - `off`: the meeting is not end-to-end encrypted (the person chose it; the UI must say so).
 * - `joining`: waiting to be added to the MLS group; nothing is sent or shown until then.
 * - `on`: exactly the participants shown hold the keys.
 * - `rekeying`: membership changed and the group has not caught up yet (see `waiting`/`hidden`).
 * - `failed`: no keys for too long, or a commit or Welcome was refused (`refusal`): media stays
 *   encrypted (nothing is ever sent clear), but this member may neither see nor be seen.
 */
export type E2eeState = 'off' | 'joining' | 'on' | 'rekeying' | 'failed';

export interface E2eeStatus {
  state: E2eeState;
  epoch: bigint | null;
  /**
   * The verification code of the current epoch, once every member has revealed its part (null
   * before: see sas-exchange.ts). Compare it with everyone; it changes with every epoch.
   */
  sas: SasSymbol[] | null;
  /** Member ids in the MLS group (who holds the keys), ourselves included. */
  groupMembers: string[];
  /** In the group but not shown in the meeting (or twice): our media is withheld while any are. */
  hidden: string[];
  /** Shown in the meeting but without the keys yet: they cannot see or hear anything yet. */
  waiting: string[];
  /** Why the last commit or Welcome was refused (it broke the membership rules), if one was. */
  refusal: string | null;
  /** Our audio and video go out (encrypted). False: they are dropped, never sent. */
  sending: boolean;
}

export const E2EE_OFF: E2eeStatus = {
  state: 'off',
  epoch: null,
  sas: null,
  groupMembers: [],
  hidden: [],
  waiting: [],
  refusal: null,
  sending: true,
};

/** How long the group may lag behind the meeting's membership before we call it failed. */
const FAIL_AFTER_MS = 20_000;

export interface E2eeSessionEvents {
  status: [E2eeStatus];
  data: KeyAgreementEvents['message'];
}

/**
 * End-to-end encryption for one meeting: the MLS key agreement, the media worker that it keys,
 * the verification code, and the state the UI shows. The group is held to the roster (the
 * participants the meeting shows): a commit that breaks the membership rules is refused, and
 * while the group holds anyone the meeting does not show, our media is withheld.
 */
export class E2eeSession extends Emitter<E2eeSessionEvents> {
  readonly media: MediaEncryption;
  readonly #keys: KeyAgreement;
  readonly #sas = new SasExchange();
  #status: E2eeStatus = { ...E2EE_OFF, state: 'joining', sending: false };
  #roster: readonly string[];
  #keysFailed = false;
  #failTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    selfId: string,
    api: EncodedTransformApi,
    request: (message: MlsRequest) => Promise<unknown>,
    worker?: E2eeWorkerSource,
  ) {
    super();
    this.media = new MediaEncryption(api, worker);
    this.media.setSendingAllowed(false);
    this.#roster = [selfId];
    this.#keys = new KeyAgreement(selfId, request);
    this.#keys.on('epoch', (keys) => this.#onEpoch(keys));
    this.#keys.on('message', (from, data, privately) => {
      const round = privately ? null : decodeSasMessage(data);
      if (round) this.#sas.receive(from, round);
      else this.emit('data', from, data, privately);
    });
    this.#keys.on('rejoining', () => this.#evaluate());
    this.#keys.on('refused', (reason) => {
      this.#status = { ...this.#status, refusal: reason };
      this.#evaluate(true);
    });
    this.#sas.on('send', (message) => this.#keys.send(encodeSasMessage(message)).catch(() => {}));
    this.#sas.on('code', (epoch, sas) => {
      if (epoch === this.#status.epoch) this.#evaluate(true, { sas });
    });
    this.#armFailTimer();
  }

  get status(): E2eeStatus {
    return this.#status;
  }

  start(): Promise<void> {
    return this.#keys.start();
  }

  handle: KeyAgreement['handle'] = (event) => this.#keys.handle(event);

  /** Application data for everyone, or sealed for the member `to` alone (KeyAgreement.send). */
  send(data: Uint8Array, to?: string): Promise<void> {
    return this.#keys.send(data, to);
  }

  /**
   * The meeting's participants as the server announced them, in join order, ourselves included.
   * Call it on every join or leave before passing on the events that follow.
   */
  setRoster(ids: readonly string[]): void {
    this.#roster = [...ids];
    this.#keys.setRoster(this.#roster);
    this.#evaluate();
  }

  stats(): Promise<E2eeFrameStats> {
    return this.media.stats();
  }

  close(): void {
    if (this.#failTimer) clearTimeout(this.#failTimer);
    this.#sas.close();
    this.#keys.close();
    this.media.close();
  }

  #onEpoch(keys: EpochKeys): void {
    this.media.setEpoch(keys);
    this.#status = {
      ...this.#status,
      epoch: keys.epoch,
      sas: null,
      refusal: null,
      groupMembers: keys.members.map((m) => m.identity),
    };
    this.#keysFailed = false;
    this.#sas.start({
      epoch: keys.epoch,
      authenticator: keys.authenticator,
      members: keys.members,
      ownLeafIndex: keys.ownLeafIndex,
    });
    this.#evaluate(true);
  }

  /** `force`: report the new status even if the state stays the same. */
  #evaluate(force = false, changes: Partial<E2eeStatus> = {}): void {
    const current = { ...this.#status, ...changes };
    const selfId = this.#keys.selfId;
    const inGroup = new Set(current.groupMembers);
    const hidden = current.epoch === null ? [] : hiddenMembers(current.groupMembers, this.#roster);
    const waiting = current.epoch === null ? [] : this.#roster.filter((id) => id !== selfId && !inGroup.has(id));
    const matches = current.epoch !== null && hidden.length === 0 && waiting.length === 0;
    if (matches && current.refusal === null) this.#keysFailed = false;
    let state: E2eeState;
    if (current.refusal !== null || this.#keysFailed) state = 'failed';
    else if (current.epoch === null) state = 'joining';
    else state = matches ? 'on' : 'rekeying';
    const sending = current.epoch !== null && current.refusal === null && hidden.length === 0;
    if (state === 'on') this.#disarmFailTimer();
    else this.#armFailTimer();
    const next: E2eeStatus = { ...current, state, hidden, waiting, sending };
    const changed =
      force ||
      next.state !== this.#status.state ||
      next.sending !== this.#status.sending ||
      next.hidden.join() !== this.#status.hidden.join() ||
      next.waiting.join() !== this.#status.waiting.join();
    if (next.sending !== this.#status.sending || force) this.media.setSendingAllowed(next.sending);
    this.#status = next;
    if (changed) this.emit('status', next);
  }

  #armFailTimer(): void {
    this.#failTimer ??= setTimeout(() => {
      this.#failTimer = null;
      this.#keysFailed = true;
      this.#evaluate(true);
    }, FAIL_AFTER_MS);
  }

  #disarmFailTimer(): void {
    if (this.#failTimer) clearTimeout(this.#failTimer);
    this.#failTimer = null;
  }
}
