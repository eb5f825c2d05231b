/**
 * The verification code, as a commit-then-reveal round per epoch (docs/e2ee.md, "Why the code
 * cannot be forged"). The epoch authenticator alone is not enough: a server that splits a meeting
 * into two groups, with its own members in each, knows both authenticators and can grind commits
 * offline until both show the same 42-bit code (~2^21 tries a side). Here every member first
 * commits to a fresh random nonce, and reveals it only once it holds every member's commitment;
 * the code hashes the authenticator with every nonce. By the time anyone can compute the code,
 * nobody — the server's members included — can change their input any more: each round is a
 * single 2^-42 guess for the attacker, and a new round means a new code that everyone sees.
 *
 * Messages travel as MLS application messages, so the sender of each is authenticated by MLS.
 */
import { Emitter } from '../emitter.ts';
import { safeFromBase64, toBase64 } from './base64.ts';
import type { GroupMember } from './mls-group.ts';
import type { SasSymbol } from './sas.ts';
import { shortAuthenticationString } from './sas.ts';

const COMMIT_LABEL = new TextEncoder().encode('Sotto SAS commitment v2');
const NONCE_BYTES = 32;

export type SasMessage =
  | { type: 'sas-commit'; epoch: string; commitment: string }
  | { type: 'sas-reveal'; epoch: string; nonce: string };

export interface SasRoundInput {
  epoch: bigint;
  authenticator: Uint8Array;
  members: readonly GroupMember[];
  ownLeafIndex: number;
}

export interface SasExchangeEvents {
  /** A message to send to every other member (end-to-end encrypted by the caller). */
  send: [SasMessage];
  /** The code of `epoch`, once every member revealed a nonce matching its commitment. */
  code: [bigint, SasSymbol[]];
  /** Someone revealed a nonce that does not match their commitment: no code for this epoch. */
  mismatch: [bigint, string];
}

interface Round extends SasRoundInput {
  nonce: Uint8Array;
  commitments: Map<number, Uint8Array>;
  nonces: Map<number, Uint8Array>;
  revealed: boolean;
  done: boolean;
}

export class SasExchange extends Emitter<SasExchangeEvents> {
  #round: Round | null = null;
  /** Work for the round runs in order: message handling awaits hashing. */
  #queue: Promise<void> = Promise.resolve();

  /** Starts the round of a new epoch (any earlier round is abandoned). */
  start(input: SasRoundInput): void {
    const nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
    const round: Round = { ...input, nonce, commitments: new Map(), nonces: new Map(), revealed: false, done: false };
    this.#round = round;
    this.#enqueue(async () => {
      const own = await commitmentOf(round, round.ownLeafIndex, nonce);
      round.commitments.set(round.ownLeafIndex, own);
      this.emit('send', { type: 'sas-commit', epoch: String(round.epoch), commitment: toBase64(own) });
      await this.#advance(round);
    });
  }

  /** A round message from `sender` (as MLS authenticated it). */
  receive(sender: string, message: SasMessage): void {
    const round = this.#round;
    if (!round || message.epoch !== String(round.epoch)) return;
    const leaf = round.members.find((m) => m.identity === sender)?.leafIndex;
    if (leaf === undefined || leaf === round.ownLeafIndex) return;
    this.#enqueue(async () => {
      const bytes = safeFromBase64(message.type === 'sas-commit' ? message.commitment : message.nonce);
      // First message of each kind wins: a member cannot swap its commitment or nonce later.
      if (message.type === 'sas-commit' && !round.commitments.has(leaf)) round.commitments.set(leaf, bytes);
      if (message.type === 'sas-reveal' && !round.nonces.has(leaf)) round.nonces.set(leaf, bytes);
      await this.#advance(round);
    });
  }

  close(): void {
    this.#round = null;
  }

  async #advance(round: Round): Promise<void> {
    if (round !== this.#round || round.done) return;
    const all = round.members.length;
    if (!round.revealed && round.commitments.size === all) {
      // Only now: once everyone is bound to their nonce, ours can no longer help anyone choose.
      round.revealed = true;
      this.emit('send', { type: 'sas-reveal', epoch: String(round.epoch), nonce: toBase64(round.nonce) });
    }
    if (!round.revealed || round.nonces.size !== all - 1) return;
    round.done = true;
    round.nonces.set(round.ownLeafIndex, round.nonce);
    for (const member of round.members) {
      const expected = round.commitments.get(member.leafIndex) as Uint8Array;
      const actual = await commitmentOf(round, member.leafIndex, round.nonces.get(member.leafIndex) as Uint8Array);
      if (!equal(expected, actual)) {
        this.emit('mismatch', round.epoch, member.identity);
        return;
      }
    }
    const code = await shortAuthenticationString(codeInput(round));
    if (round === this.#round) this.emit('code', round.epoch, code);
  }

  #enqueue(job: () => Promise<void>): void {
    this.#queue = this.#queue.then(job).catch(() => {});
  }
}

/** Parses a round message out of application data, or null if it is something else. */
export function decodeSasMessage(data: Uint8Array): SasMessage | null {
  try {
    const value = JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>;
    const { type, epoch } = value;
    if (typeof epoch !== 'string' || !/^\d{1,20}$/.test(epoch)) return null;
    if (type === 'sas-commit' && typeof value.commitment === 'string') return { type, epoch, commitment: value.commitment };
    if (type === 'sas-reveal' && typeof value.nonce === 'string') return { type, epoch, nonce: value.nonce };
  } catch {
    // Not a round message.
  }
  return null;
}

export function encodeSasMessage(message: SasMessage): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(message));
}

/** SHA-256(label || epoch || authenticator || leaf || nonce): binds the nonce to one member of one epoch. */
async function commitmentOf(round: SasRoundInput, leaf: number, nonce: Uint8Array): Promise<Uint8Array> {
  const header = new DataView(new ArrayBuffer(12));
  header.setBigUint64(0, round.epoch);
  header.setUint32(8, leaf);
  const input = concat([COMMIT_LABEL, new Uint8Array(header.buffer), round.authenticator, nonce]);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}

/** authenticator || (leaf || nonce) for every member in leaf order: what the code is drawn from. */
function codeInput(round: Round): Uint8Array {
  const parts: Uint8Array[] = [round.authenticator];
  for (const member of [...round.members].sort((a, b) => a.leafIndex - b.leafIndex)) {
    const leaf = new DataView(new ArrayBuffer(4));
    leaf.setUint32(0, member.leafIndex);
    parts.push(new Uint8Array(leaf.buffer), round.nonces.get(member.leafIndex) as Uint8Array);
  }
  return concat(parts);
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
