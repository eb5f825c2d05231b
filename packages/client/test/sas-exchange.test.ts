import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EpochKeys } from '../src/e2ee/key-agreement.ts';
import type { SasSymbol } from '../src/e2ee/sas.ts';
import { shortAuthenticationString } from '../src/e2ee/sas.ts';
import type { SasMessage } from '../src/e2ee/sas-exchange.ts';
import { decodeSasMessage, encodeSasMessage, SasExchange } from '../src/e2ee/sas-exchange.ts';
import { Meeting } from './helpers/mls-meeting.ts';

/** One honest member's round, with what it sent and the code it ended with. */
class Participant {
  readonly exchange = new SasExchange();
  readonly sent: SasMessage[] = [];
  code: string | null = null;
  mismatch: string | null = null;

  constructor(
    readonly id: string,
    onSend: (from: Participant, message: SasMessage) => void,
  ) {
    this.exchange.on('send', (message) => {
      this.sent.push(message);
      onSend(this, message);
    });
    this.exchange.on('code', (_epoch, sas: SasSymbol[]) => {
      this.code = sas.map((s) => s.name).join('|'); // names may hold spaces ('light bulb')
    });
    this.exchange.on('mismatch', (_epoch, who) => {
      this.mismatch = who;
    });
  }

  start(keys: EpochKeys): void {
    this.exchange.start({
      epoch: keys.epoch,
      authenticator: keys.authenticator,
      members: keys.members,
      ownLeafIndex: keys.ownLeafIndex,
    });
  }
}

const settle = () => new Promise((r) => setTimeout(r, 100));

/** Waits for what must happen (generous: the machine may be busy with other tests). */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function group(ids: string[]): Promise<Map<string, EpochKeys>> {
  const meeting = new Meeting();
  for (const id of ids) await meeting.join(id);
  const keys = await meeting.converged();
  return new Map(ids.map((id, i) => [id, keys[i] as EpochKeys]));
}

/** Honest members of one group, each message delivered to the others (as MLS would name its sender). */
function honestRound(ids: string[], filter: (from: string, to: string, m: SasMessage) => boolean = () => true) {
  const people = new Map<string, Participant>();
  for (const id of ids) {
    people.set(
      id,
      new Participant(id, (from, message) => {
        for (const other of people.values()) {
          if (other !== from && filter(from.id, other.id, message)) other.exchange.receive(from.id, message);
        }
      }),
    );
  }
  return people;
}

describe('the verification code (commit, then reveal)', () => {
  it('gives every member of an epoch the same seven symbols', async () => {
    const keys = await group(['ana', 'bo', 'cy']);
    const people = honestRound(['ana', 'bo', 'cy']);
    for (const [id, person] of people) person.start(keys.get(id) as EpochKeys);
    await until(() => [...people.values()].every((p) => p.code !== null));
    const codes = [...people.values()].map((p) => p.code);
    expect(codes[0]?.split('|')).toHaveLength(7);
    expect(new Set(codes).size).toBe(1);
  });

  it('reveals our nonce only once every member is bound to theirs', async () => {
    const keys = await group(['ana', 'bo', 'cy']);
    // cy's commitment never reaches ana.
    const people = honestRound(['ana', 'bo', 'cy'], (from, to, m) => !(from === 'cy' && to === 'ana' && m.type === 'sas-commit'));
    for (const [id, person] of people) person.start(keys.get(id) as EpochKeys);
    await until(() => people.get('bo')?.sent.length === 2);
    await settle();
    expect(people.get('ana')?.sent.map((m) => m.type)).toEqual(['sas-commit']);
    expect(people.get('ana')?.code).toBeNull();
    expect(people.get('bo')?.sent.map((m) => m.type)).toEqual(['sas-commit', 'sas-reveal']);
  });

  it('gives no code when someone reveals a nonce other than the one it committed to', async () => {
    const keys = await group(['ana', 'bo']);
    const people = honestRound(['ana', 'bo'], (from, _to, m) => {
      if (from !== 'bo' || m.type !== 'sas-reveal') return true;
      // The server swaps bo's nonce for one of its choosing.
      people.get('ana')?.exchange.receive('bo', { ...m, nonce: Buffer.alloc(32, 7).toString('base64') });
      return false;
    });
    for (const [id, person] of people) person.start(keys.get(id) as EpochKeys);
    await until(() => people.get('ana')?.mismatch !== null);
    expect(people.get('ana')?.code).toBeNull();
    expect(people.get('ana')?.mismatch).toBe('bo');
  });

  it('a server that splits a 4-person meeting into two groups, its own members in each, gets two different codes', async () => {
    // Group 1: ana and bo, with the server posing as cy and dee. Group 2: cy and dee, with the
    // server posing as ana and bo. Each side's roster shows all four, so the membership rules
    // cannot tell; only the code can. The server plays its members' rounds itself.
    const one = await group(['ana', 'bo', 'cy', 'dee']);
    const two = await group(['cy', 'dee', 'ana', 'bo']);
    const side1 = honestRound(['ana', 'bo', 'cy', 'dee']);
    const side2 = honestRound(['cy', 'dee', 'ana', 'bo']);
    for (const [id, person] of side1) person.start(one.get(id) as EpochKeys);
    for (const [id, person] of side2) person.start(two.get(id) as EpochKeys);
    await until(() => [...side1.values(), ...side2.values()].every((p) => p.code !== null));
    const code1 = side1.get('ana')?.code;
    const code2 = side2.get('cy')?.code;
    expect(code1).not.toBeNull();
    expect(code1).toBe(side1.get('bo')?.code);
    expect(code2).toBe(side2.get('dee')?.code);
    expect(code1).not.toBe(code2);
  });

  it("a server that repeats each real member's round messages in the other group gets no code at all", async () => {
    const one = await group(['ana', 'bo', 'cy', 'dee']);
    const two = await group(['cy', 'dee', 'ana', 'bo']);
    const honest = new Map<string, { keys: EpochKeys; person?: Participant }>([
      ['ana', { keys: one.get('ana') as EpochKeys }],
      ['bo', { keys: one.get('bo') as EpochKeys }],
      ['cy', { keys: two.get('cy') as EpochKeys }],
      ['dee', { keys: two.get('dee') as EpochKeys }],
    ]);
    // Its member "X" in the other group repeats word for word what the real X says, hoping both
    // groups draw the code from the same nonces: commitments are bound to their group and leaf.
    const deliver = (from: Participant, message: SasMessage) => {
      for (const [id, entry] of honest) if (id !== from.id) entry.person?.exchange.receive(from.id, message);
    };
    for (const [id, entry] of honest) entry.person = new Participant(id, deliver);
    for (const entry of honest.values()) entry.person?.start(entry.keys);
    // No condition to wait for: depending on timing the copies are refused (mismatch) or never
    // even belong to the round (the halves' epochs differ); either way the round cannot succeed.
    await new Promise((r) => setTimeout(r, 1000));
    // Whatever each side ends with, the two halves never show one code.
    const code = (id: string) => honest.get(id)?.person?.code ?? null;
    for (const [a, b] of [
      ['ana', 'cy'],
      ['bo', 'dee'],
      ['ana', 'dee'],
    ] as const) {
      expect(code(a) !== null && code(a) === code(b)).toBe(false);
    }
  });

  it('round messages survive encoding and nothing else parses as one', () => {
    const message: SasMessage = { type: 'sas-reveal', epoch: '12', nonce: 'AAAA' };
    expect(decodeSasMessage(encodeSasMessage(message))).toEqual(message);
    expect(decodeSasMessage(new TextEncoder().encode('{"type":"reaction","emoji":"👍"}'))).toBeNull();
    expect(decodeSasMessage(new TextEncoder().encode('{"type":"sas-commit","epoch":"-1","commitment":"x"}'))).toBeNull();
    expect(decodeSasMessage(new Uint8Array([0xff, 0x00]))).toBeNull();
  });

  it('prints what forging a code costs the server, before and after commit-then-reveal', async () => {
    // What the old code (drawn from the epoch authenticator alone) cost to forge: a collision
    // search between the two groups' codes, ~2^21 commits per side for 42 bits. Measured here:
    // one code derivation; the server also needs one MLS commit per try, which is slower.
    const tries = 2000;
    const started = performance.now();
    for (let i = 0; i < tries; i++) {
      await shortAuthenticationString(createHash('sha256').update(`authenticator ${i}`).digest());
    }
    const perCodeMs = (performance.now() - started) / tries;
    const bits = 42;
    const perSide = 2 ** (bits / 2);
    const oldSeconds = (2 * perSide * perCodeMs) / 1000;
    // Commit-then-reveal: the code is fixed only after every member's nonce is, so offline work
    // cannot raise the server's chance above 2^-42 per round, and every round is a new code that
    // every participant sees. Expected rounds to one success: 2^41.
    const roundsPerSecond = 10; // generous: each round needs an MLS commit and two message waves
    const newYears = 2 ** (bits - 1) / roundsPerSecond / (365 * 24 * 3600);
    console.log(
      [
        `verification code: ${bits} bits (7 symbols of 64)`,
        `before (authenticator only): ~2^${bits / 2} = ${perSide.toLocaleString('en')} tries per side; code derivation ${perCodeMs.toFixed(3)} ms here -> ${oldSeconds.toFixed(0)} s of hashing (plus the commits)`,
        `after (commit-then-reveal): offline work of any size (2^64, 2^128) leaves the chance at 2^-${bits} per round;`,
        `  expected rounds to one forged match: 2^${bits - 1}; at ${roundsPerSecond} visible rounds/s: ${newYears.toExponential(1)} years`,
      ].join('\n'),
    );
    expect(newYears).toBeGreaterThan(1000);
    expect(oldSeconds).toBeLessThan(24 * 3600); // the old code really was forgeable in a day
  });
});
