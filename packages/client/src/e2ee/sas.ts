/**
 * The short authentication string: seven emoji with their names (42 bits), drawn from the MLS
 * epoch authenticator (RFC 9420 §8.7) together with every member's nonce of the epoch's
 * commit-then-reveal round (sas-exchange.ts). If everyone reads out the same seven, nobody —
 * including the server — sits in the middle of the key agreement. It changes with every epoch.
 */
const SAS_SYMBOLS: ReadonlyArray<readonly [string, string]> = [
  ['🐶', 'dog'],
  ['🐱', 'cat'],
  ['🦁', 'lion'],
  ['🐎', 'horse'],
  ['🦄', 'unicorn'],
  ['🐷', 'pig'],
  ['🐘', 'elephant'],
  ['🐰', 'rabbit'],
  ['🐼', 'panda'],
  ['🐓', 'rooster'],
  ['🐧', 'penguin'],
  ['🐢', 'turtle'],
  ['🐟', 'fish'],
  ['🐙', 'octopus'],
  ['🦋', 'butterfly'],
  ['🌷', 'tulip'],
  ['🌳', 'tree'],
  ['🌵', 'cactus'],
  ['🍄', 'mushroom'],
  ['🌏', 'globe'],
  ['🌙', 'moon'],
  ['☁️', 'cloud'],
  ['🔥', 'fire'],
  ['🍌', 'banana'],
  ['🍎', 'apple'],
  ['🍓', 'strawberry'],
  ['🌽', 'corn'],
  ['🍕', 'pizza'],
  ['🎂', 'cake'],
  ['❤️', 'heart'],
  ['😀', 'smiley'],
  ['🤖', 'robot'],
  ['🎩', 'hat'],
  ['👓', 'glasses'],
  ['🔧', 'spanner'],
  ['🎅', 'santa'],
  ['👍', 'thumbs up'],
  ['☂️', 'umbrella'],
  ['⌛', 'hourglass'],
  ['⏰', 'clock'],
  ['🎁', 'gift'],
  ['💡', 'light bulb'],
  ['📕', 'book'],
  ['✏️', 'pencil'],
  ['📎', 'paperclip'],
  ['✂️', 'scissors'],
  ['🔒', 'lock'],
  ['🔑', 'key'],
  ['🔨', 'hammer'],
  ['☎️', 'telephone'],
  ['🏁', 'flag'],
  ['🚂', 'train'],
  ['🚲', 'bicycle'],
  ['✈️', 'aeroplane'],
  ['🚀', 'rocket'],
  ['🏆', 'trophy'],
  ['⚽', 'ball'],
  ['🎸', 'guitar'],
  ['🎺', 'trumpet'],
  ['🔔', 'bell'],
  ['⚓', 'anchor'],
  ['🎧', 'headphones'],
  ['📁', 'folder'],
  ['📌', 'pin'],
];

export interface SasSymbol {
  emoji: string;
  name: string;
}

const SYMBOL_COUNT = 7;
const LABEL = new TextEncoder().encode('Sotto SAS v2');

/** Seven symbols from SHA-256(label || codeInput). */
export async function shortAuthenticationString(codeInput: Uint8Array): Promise<SasSymbol[]> {
  const input = new Uint8Array(LABEL.length + codeInput.length);
  input.set(LABEL);
  input.set(codeInput, LABEL.length);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  const symbols: SasSymbol[] = [];
  for (let i = 0; i < SYMBOL_COUNT; i++) {
    // Six bits per symbol: 64 symbols, 42 bits in all.
    const bit = i * 6;
    const index = ((((digest[bit >> 3] as number) << 8) | (digest[(bit >> 3) + 1] as number)) >> (10 - (bit & 7))) & 0x3f;
    const [emoji, name] = SAS_SYMBOLS[index] as readonly [string, string];
    symbols.push({ emoji, name });
  }
  return symbols;
}

export const SAS_SYMBOL_COUNT = SAS_SYMBOLS.length;
