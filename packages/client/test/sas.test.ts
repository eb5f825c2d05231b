import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SasSymbol } from '../src/e2ee/sas.ts';
import { SAS_SYMBOL_COUNT, shortAuthenticationString } from '../src/e2ee/sas.ts';

/** Reproducible pseudo-random 32-byte epoch authenticators (the size of a SHA-256 MLS suite's). */
const authenticator = (seed: number): Uint8Array =>
  new Uint8Array(createHash('sha256').update(`sas test authenticator ${seed}`).digest());

const code = (symbols: readonly SasSymbol[]): string => symbols.map((symbol) => symbol.name).join(' ');

describe('shortAuthenticationString', () => {
  it('gives seven symbols, each with an emoji and a name', async () => {
    for (const input of [authenticator(0), authenticator(1), new Uint8Array(0), new Uint8Array(64).fill(0xff)]) {
      const symbols = await shortAuthenticationString(input);
      expect(symbols).toHaveLength(7);
      for (const { emoji, name } of symbols) {
        expect(typeof emoji).toBe('string');
        expect(emoji.length).toBeGreaterThan(0);
        expect(emoji.trim()).toBe(emoji);
        expect(typeof name).toBe('string');
        expect(name.trim().length).toBeGreaterThan(0);
      }
    }
  });

  it('is the same for the same authenticator', async () => {
    const input = authenticator(42);
    const first = await shortAuthenticationString(input);
    const again = await shortAuthenticationString(input.slice());
    expect(again).toEqual(first);
    expect(input).toEqual(authenticator(42)); // the input is not touched
  });

  it('changes with the authenticator, even by one bit', async () => {
    const input = authenticator(7);
    const flipped = input.slice();
    flipped[31] = (flipped[31] as number) ^ 0x01;
    expect(code(await shortAuthenticationString(flipped))).not.toBe(code(await shortAuthenticationString(input)));
    const longer = new Uint8Array(input.length + 1);
    longer.set(input);
    expect(code(await shortAuthenticationString(longer))).not.toBe(code(await shortAuthenticationString(input)));
  });

  it('gives (almost) 200 distinct codes for 200 authenticators', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 200; i++) codes.add(code(await shortAuthenticationString(authenticator(i))));
    // 42 bits: a collision among 200 is about 1 in 10^8.
    expect(codes.size).toBeGreaterThanOrEqual(190);
  });

  it('draws from 64 symbols with distinct emoji and distinct names, all of them in use', async () => {
    expect(SAS_SYMBOL_COUNT).toBe(64);
    const emojiByName = new Map<string, Set<string>>();
    const nameByEmoji = new Map<string, Set<string>>();
    const positions = Array.from({ length: 7 }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) {
      const symbols = await shortAuthenticationString(authenticator(i));
      symbols.forEach(({ emoji, name }, position) => {
        if (!emojiByName.has(name)) emojiByName.set(name, new Set());
        emojiByName.get(name)?.add(emoji);
        if (!nameByEmoji.has(emoji)) nameByEmoji.set(emoji, new Set());
        nameByEmoji.get(emoji)?.add(name);
        positions[position]?.add(name);
      });
    }
    // 14,000 draws of 64 symbols: missing one by chance is about 1 in 10^94.
    expect(emojiByName.size).toBe(SAS_SYMBOL_COUNT);
    expect(nameByEmoji.size).toBe(SAS_SYMBOL_COUNT);
    for (const emoji of emojiByName.values()) expect(emoji.size).toBe(1);
    for (const names of nameByEmoji.values()) expect(names.size).toBe(1);
    // Every position can show every symbol (each takes its own 6 bits of the digest).
    for (const names of positions) expect(names.size).toBe(SAS_SYMBOL_COUNT);
  });

  it('spreads the symbols evenly', async () => {
    const counts = new Map<string, number>();
    const draws = 2000 * 7;
    for (let i = 0; i < 2000; i++) {
      for (const { name } of await shortAuthenticationString(authenticator(i))) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    // Expected 218.75 each (σ ≈ 14.7): anything outside 120..320 would mean a biased index.
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(120);
      expect(count).toBeLessThan(320);
    }
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(draws);
  });
});
