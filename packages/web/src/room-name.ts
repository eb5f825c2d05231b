const ADJECTIVES = [
  'amber',
  'brisk',
  'calm',
  'dusky',
  'eager',
  'fern',
  'gentle',
  'hazel',
  'ivory',
  'jolly',
  'keen',
  'lunar',
  'misty',
  'noble',
  'olive',
  'quiet',
];
const NOUNS = [
  'otter',
  'heron',
  'maple',
  'comet',
  'harbor',
  'falcon',
  'meadow',
  'quill',
  'ember',
  'willow',
  'lynx',
  'delta',
  'cedar',
  'badger',
  'raven',
  'tide',
];
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/**
 * A readable, hard-to-guess room name: two words for people plus 12 random characters
 * (32^12 = 2^60 possibilities) so a name cannot be found by trying.
 */
export function randomRoomName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(14));
  const pick = <T>(list: readonly T[], byte: number): T => list[byte % list.length] as T;
  let suffix = '';
  for (const byte of bytes.subarray(2)) suffix += ALPHABET[byte % ALPHABET.length];
  return `${pick(ADJECTIVES, bytes[0] ?? 0)}-${pick(NOUNS, bytes[1] ?? 0)}-${suffix}`;
}

/** The room named by the page's path, or null on the home page. */
export function roomFromPath(pathname: string): string | null {
  const name = decodeURIComponent(pathname.replace(/^\/+|\/+$/g, ''));
  return name === '' ? null : name;
}
