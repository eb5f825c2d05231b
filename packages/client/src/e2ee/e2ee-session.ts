import { Emitter } from '../emitter.ts';
import type { EpochKeys, KeyAgreementEvents, MlsRequest } from './key-agreement.ts';
import { KeyAgreement } from './key-agreement.ts';
import type { EncodedTransformApi } from './media-encryption.ts';
import { MediaEncryption } from './media-encryption.ts';
import type { SasSymbol } from './sas.ts';
import { shortAuthenticationString } from './sas.ts';
import type { E2eeFrameStats } from './worker-messages.ts';

/**
 * - `off`: the meeting is not end-to-end encrypted (the server allowed it; the UI must say so).
 * - `joining`: waiting to be added to the MLS group; nothing is sent or shown until then.
 * - `on`: everyone in the meeting is in the group, and only they hold the keys.
 * - `rekeying`: membership changed and the group has not caught up yet.
 * - `failed`: no keys for too long; media stays encrypted (nothing is ever sent clear), but
 *   this member may neither see nor be seen.
 */
export type E2eeState = 'off' | 'joining' | 'on' | 'rekeying' | 'failed';

export interface E2eeStatus {
  state: E2eeState;
  epoch: bigint | null;
  /** The short authentication string of the current epoch (compare it with everyone). */
  sas: SasSymbol[] | null;
  /** Member ids in the MLS group, ourselves included. */
  groupMembers: string[];
}

export const E2EE_OFF: E2eeStatus = { state: 'off', epoch: null, sas: null, groupMembers: [] };

/** How long the group may lag behind the meeting's membership before we call it failed. */
const FAIL_AFTER_MS = 20_000;

export interface E2eeSessionEvents extends Record<string, unknown[]> {
  status: [E2eeStatus];
  data: KeyAgreementEvents['message'];
}

/**
 * End-to-end encryption for one meeting: the MLS key agreement, the media worker that it keys,
 * and the state the UI shows. The group's roster is compared with the server's participant list:
 * anyone in one and not the other keeps the state at `rekeying` (or `failed`), never `on`.
 */
export class E2eeSession extends Emitter<E2eeSessionEvents> {
  readonly media: MediaEncryption;
  readonly #keys: KeyAgreement;
  #status: E2eeStatus = { state: 'joining', epoch: null, sas: null, groupMembers: [] };
  #participants = new Set<string>();
  #failTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(selfId: string, api: EncodedTransformApi, request: (message: MlsRequest) => Promise<unknown>) {
    super();
    this.media = new MediaEncryption(api);
    this.#keys = new KeyAgreement(selfId, request);
    this.#keys.on('epoch', (keys) => {
      this.media.setEpoch(keys);
      this.#onEpoch(keys).catch(() => {});
    });
    this.#keys.on('message', (from, data) => this.emit('data', from, data));
    this.#keys.on('rejoining', () => this.#set({ ...this.#status, state: 'rekeying' }));
    this.#armFailTimer();
  }

  get status(): E2eeStatus {
    return this.#status;
  }

  start(): Promise<void> {
    return this.#keys.start();
  }

  handle: KeyAgreement['handle'] = (event) => this.#keys.handle(event);

  send(data: Uint8Array): Promise<void> {
    return this.#keys.send(data);
  }

  /** The other participants, as the server lists them. */
  setParticipants(ids: Iterable<string>): void {
    this.#participants = new Set(ids);
    this.#evaluate();
  }

  stats(): Promise<E2eeFrameStats> {
    return this.media.stats();
  }

  close(): void {
    if (this.#failTimer) clearTimeout(this.#failTimer);
    this.#keys.close();
    this.media.close();
  }

  async #onEpoch(keys: EpochKeys): Promise<void> {
    const sas = await shortAuthenticationString(keys.authenticator);
    if (this.#keys.epoch !== keys.epoch) return; // A newer epoch arrived meanwhile.
    this.#status = { ...this.#status, epoch: keys.epoch, sas, groupMembers: keys.members.map((m) => m.identity) };
    this.#evaluate(true);
  }

  /** `epochChanged`: report the new status even if the state stays the same. */
  #evaluate(epochChanged = false): void {
    if (this.#status.epoch === null) return;
    const others = this.#status.groupMembers.filter((id) => id !== this.#keys.selfId);
    const matches = others.length === this.#participants.size && others.every((id) => this.#participants.has(id));
    if (matches) {
      if (this.#failTimer) clearTimeout(this.#failTimer);
      this.#failTimer = null;
      this.#set({ ...this.#status, state: 'on' }, epochChanged);
    } else {
      const state = this.#status.state === 'failed' ? 'failed' : 'rekeying';
      this.#set({ ...this.#status, state }, epochChanged);
      this.#armFailTimer();
    }
  }

  #armFailTimer(): void {
    this.#failTimer ??= setTimeout(() => {
      this.#failTimer = null;
      this.#set({ ...this.#status, state: 'failed' });
    }, FAIL_AFTER_MS);
  }

  #set(status: E2eeStatus, force = false): void {
    const changed = force || status.state !== this.#status.state;
    this.#status = status;
    if (changed) this.emit('status', status);
  }
}
