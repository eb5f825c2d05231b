import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RoomSettings } from '@sotto/protocol';
import { ProtocolError } from '../errors.ts';
import { RateLimiter } from '../signaling/rate-limiter.ts';

/** Wrong passwords one room tolerates: five at once, then one every 2 s, whoever tries. */
export const ROOM_PASSWORD_ATTEMPTS = { burst: 5, perSecond: 0.5 } as const;
/** Most people knocking at one room's lobby at once. */
export const MAX_KNOCKING = 32;
/** An admission is good for one join within this time. */
const TICKET_TTL_MS = 60_000;

/** Someone waiting in the lobby, and how to give them the answer. */
export interface Knocker {
  knockId: string;
  name: string;
  answer(admitted: boolean, ticket?: string): void;
}

export interface Admission {
  password?: string | undefined;
  ticket?: string | undefined;
}

/**
 * Who may come into a meeting: the lock, the password and the lobby that its moderators set.
 * Nothing here knows members; the room asks before it lets anyone in. The password is kept only
 * as a salted hash, and wrong guesses are budgeted per room (the session budgets per connection).
 */
export class RoomGate {
  locked = false;
  #lobby = false;
  #password: { salt: Buffer; hash: Buffer } | null = null;
  readonly #attempts = new RateLimiter(ROOM_PASSWORD_ATTEMPTS.burst, ROOM_PASSWORD_ATTEMPTS.perSecond, Date.now());
  readonly #knocking = new Map<string, Knocker>();
  /** Hashes of unused admission tickets, with when they expire. */
  readonly #tickets = new Map<string, number>();

  get settings(): RoomSettings {
    return { locked: this.locked, lobby: this.#lobby, passwordSet: this.#password !== null };
  }

  get knocking(): Array<{ knockId: string; name: string }> {
    return [...this.#knocking.values()].map(({ knockId, name }) => ({ knockId, name }));
  }

  setPassword(password: string | null): void {
    if (password === null) {
      this.#password = null;
      return;
    }
    const salt = randomBytes(16);
    this.#password = { salt, hash: hashPassword(salt, password) };
  }

  /** Lobby on or off; off lets everyone still knocking in. */
  setLobby(enabled: boolean): void {
    this.#lobby = enabled;
    if (!enabled) for (const knockId of [...this.#knocking.keys()]) this.answer(knockId, true);
  }

  /**
   * Lets a newcomer in, or throws why not: locked, password missing or wrong (rate-limited per
   * room), lobby on. A lobby admission's ticket lets its holder in once, past all of them.
   */
  admit(admission: Admission, nowMs: number): void {
    if (admission.ticket !== undefined && this.#useTicket(admission.ticket, nowMs)) return;
    if (this.locked) throw new ProtocolError('room-locked', 'this meeting is locked: nobody new may join');
    this.#checkPassword(admission.password, nowMs);
    if (this.#lobby) throw new ProtocolError('in-lobby', 'this meeting has a lobby: knock, and a moderator will let you in');
  }

  /** Someone knocks (password checked first, so a wrong one never reaches the moderators). */
  knock(knocker: Knocker, password: string | undefined, nowMs: number): void {
    if (this.locked) throw new ProtocolError('room-locked', 'this meeting is locked: nobody new may join');
    this.#checkPassword(password, nowMs);
    if (!this.#lobby) throw new ProtocolError('bad-state', 'this meeting has no lobby: join it');
    if (this.#knocking.size >= MAX_KNOCKING)
      throw new ProtocolError('server-busy', 'too many people are waiting; try again later');
    this.#knocking.set(knocker.knockId, knocker);
  }

  /** The knocker left (or its socket did). True when it was knocking. */
  withdraw(knockId: string): boolean {
    return this.#knocking.delete(knockId);
  }

  /** A moderator's answer; false when nobody with that id is knocking. */
  answer(knockId: string, admitted: boolean): boolean {
    const knocker = this.#knocking.get(knockId);
    if (!knocker) return false;
    this.#knocking.delete(knockId);
    if (!admitted) {
      knocker.answer(false);
      return true;
    }
    const ticket = randomBytes(18).toString('base64url');
    this.#tickets.set(ticketKey(ticket), Date.now() + TICKET_TTL_MS);
    knocker.answer(true, ticket);
    return true;
  }

  /** Everyone still knocking is told no (the meeting ended). */
  close(): void {
    for (const knockId of [...this.#knocking.keys()]) this.answer(knockId, false);
  }

  #checkPassword(password: string | undefined, nowMs: number): void {
    const expected = this.#password;
    if (!expected) return;
    if (password === undefined) throw new ProtocolError('password-required', 'this meeting needs a password');
    // Only wrong guesses use the budget, but once it is spent every attempt waits, right or
    // wrong: otherwise a guesser past the budget would still learn when a guess is right.
    if (!this.#attempts.available(nowMs)) throw new ProtocolError('rate-limited', 'too many wrong passwords; wait a moment');
    if (!timingSafeEqual(hashPassword(expected.salt, password), expected.hash)) {
      this.#attempts.take(nowMs);
      throw new ProtocolError('wrong-password', 'wrong password');
    }
  }

  #useTicket(ticket: string, nowMs: number): boolean {
    for (const [key, expires] of this.#tickets) if (expires < nowMs) this.#tickets.delete(key);
    return this.#tickets.delete(ticketKey(ticket));
  }
}

function hashPassword(salt: Buffer, password: string): Buffer {
  return createHash('sha256').update(salt).update(password, 'utf8').digest();
}

function ticketKey(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}
