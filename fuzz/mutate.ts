/**
 * Mutations, after AFL's "havoc" stage: a stack of random edits to a corpus input — bit and
 * byte flips, interesting values (boundaries of 8/16/32-bit fields), small arithmetic, block
 * deletion, insertion, duplication and overwriting, dictionary tokens (RTCP packet types,
 * `a=rid:`, message type names), splicing with another input. Text targets also get line-level
 * edits and number swaps, which keep most of a text format intact so that the parser goes deep.
 * Repeating a block grows inputs quickly, which is what finds work that is not linear in the size.
 */
import type { Random } from './random.ts';

export interface MutationContext {
  random: Random;
  /** Tokens of the target's format. */
  dictionary: readonly Buffer[];
  /** Another corpus input, for splicing. */
  other: () => Buffer;
  maxLength: number;
  /** Line-based text (SDP, JSON): adds line and number mutations. */
  text: boolean;
}

const INTERESTING_8 = [-128, -1, 0, 1, 2, 3, 4, 14, 15, 16, 31, 32, 64, 100, 127, 128, 192, 200, 201, 205, 206, 255];
const INTERESTING_16 = [-32768, -129, 128, 255, 256, 512, 1000, 1024, 1500, 4095, 4096, 4097, 8191, 32767, 65535];
const INTERESTING_32 = [-2147483648, -100663046, -32769, 32768, 65535, 65536, 100663045, 2147483647, 4294967295];
const INTERESTING_NUMBERS = [
  '0',
  '-1',
  '1',
  '3',
  '4',
  '14',
  '15',
  '16',
  '127',
  '128',
  '255',
  '256',
  '65535',
  '65536',
  '2147483647',
  '2147483648',
  '4294967295',
  '4294967296',
  '9007199254740993',
  '1e21',
  '1e309',
  '-0',
  '0.5',
  '00',
  '',
];

export function mutate(input: Buffer, ctx: MutationContext): Buffer {
  const r = ctx.random;
  let data = input;
  if (ctx.random.chance(0.1)) data = splice(data, ctx.other(), r);
  // Mostly a few edits (one edit keeps most of what made the input interesting), sometimes many.
  const stack = 1 + r.below(1 << r.below(5));
  for (let i = 0; i < stack; i++) data = mutateOnce(data, ctx);
  return data.length > ctx.maxLength ? data.subarray(0, ctx.maxLength) : data;
}

function mutateOnce(data: Buffer, ctx: MutationContext): Buffer {
  const r = ctx.random;
  const kinds = ctx.text ? 18 : 13;
  switch (r.below(kinds)) {
    case 0:
      return flipBit(data, r);
    case 1:
      return setByte(data, r, r.pick(INTERESTING_8) & 0xff);
    case 2:
      return setWord(data, r, r.pick(INTERESTING_16), 2);
    case 3:
      return setWord(data, r, r.pick(INTERESTING_32), 4);
    case 4:
      return addToByte(data, r);
    case 5:
      return setByte(data, r, r.below(256));
    case 6:
      return deleteBlock(data, r);
    case 7:
      return insertBytes(data, r, randomBytes(r, 1 + r.below(8)));
    case 8:
      return insertBytes(data, r, cloneBlock(data, r));
    case 9:
      return overwrite(data, r, cloneBlock(data, r));
    case 10:
    case 11:
      return ctx.dictionary.length ? insertOrOverwrite(data, r, r.pick(ctx.dictionary)) : flipBit(data, r);
    case 12:
      return repeatBlock(data, r, ctx.maxLength);
    case 13:
      return duplicateLine(data, r);
    case 14:
      return deleteLine(data, r);
    case 15:
      return swapLines(data, r);
    case 16:
      return replaceNumber(data, r);
    default:
      return ctx.dictionary.length ? insertLine(data, r, r.pick(ctx.dictionary)) : data;
  }
}

function position(data: Buffer, r: Random): number {
  return r.below(data.length + 1);
}

function copy(data: Buffer): Buffer {
  return Buffer.from(data);
}

function flipBit(data: Buffer, r: Random): Buffer {
  if (!data.length) return Buffer.from([r.below(256)]);
  const out = copy(data);
  const i = r.below(out.length);
  out[i] = (out[i] as number) ^ (1 << r.below(8));
  return out;
}

function setByte(data: Buffer, r: Random, value: number): Buffer {
  if (!data.length) return Buffer.from([value]);
  const out = copy(data);
  out[r.below(out.length)] = value;
  return out;
}

function setWord(data: Buffer, r: Random, value: number, bytes: 2 | 4): Buffer {
  if (data.length < bytes) return setByte(data, r, value & 0xff);
  const out = copy(data);
  const i = r.below(out.length - bytes + 1);
  const little = r.chance(0.25);
  if (bytes === 2) {
    if (little) out.writeUInt16LE(value & 0xffff, i);
    else out.writeUInt16BE(value & 0xffff, i);
  } else if (little) out.writeUInt32LE(value >>> 0, i);
  else out.writeUInt32BE(value >>> 0, i);
  return out;
}

function addToByte(data: Buffer, r: Random): Buffer {
  if (!data.length) return Buffer.from([1]);
  const out = copy(data);
  const i = r.below(out.length);
  out[i] = ((out[i] as number) + (r.chance(0.5) ? 1 : -1) * (1 + r.below(35))) & 0xff;
  return out;
}

function randomBytes(r: Random, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = r.below(256);
  return out;
}

/** A block length that favours small blocks but sometimes takes big ones. */
function blockLength(r: Random, limit: number): number {
  if (limit <= 0) return 0;
  const cap = r.chance(0.8) ? Math.min(limit, 32) : limit;
  return 1 + r.below(cap);
}

function deleteBlock(data: Buffer, r: Random): Buffer {
  if (data.length < 2) return data;
  const length = blockLength(r, data.length - 1);
  const start = r.below(data.length - length + 1);
  return Buffer.concat([data.subarray(0, start), data.subarray(start + length)]);
}

function cloneBlock(data: Buffer, r: Random): Buffer {
  if (!data.length) return randomBytes(r, 1);
  const length = blockLength(r, data.length);
  const start = r.below(data.length - length + 1);
  return Buffer.from(data.subarray(start, start + length));
}

function insertBytes(data: Buffer, r: Random, bytes: Buffer): Buffer {
  const at = position(data, r);
  return Buffer.concat([data.subarray(0, at), bytes, data.subarray(at)]);
}

function overwrite(data: Buffer, r: Random, bytes: Buffer): Buffer {
  if (data.length < bytes.length) return insertBytes(data, r, bytes);
  const out = copy(data);
  bytes.copy(out, r.below(out.length - bytes.length + 1));
  return out;
}

function insertOrOverwrite(data: Buffer, r: Random, token: Buffer): Buffer {
  return r.chance(0.5) ? insertBytes(data, r, token) : overwrite(data, r, token);
}

function repeatBlock(data: Buffer, r: Random, maxLength: number): Buffer {
  const block = cloneBlock(data, r);
  const room = Math.max(0, maxLength - data.length);
  const times = Math.min(1 + r.below(1 << r.below(12)), Math.floor(room / block.length));
  if (times <= 0) return data;
  const at = position(data, r);
  return Buffer.concat([data.subarray(0, at), ...Array.from({ length: times }, () => block), data.subarray(at)]);
}

function splice(data: Buffer, other: Buffer, r: Random): Buffer {
  if (!data.length || !other.length) return data;
  const cut = r.below(data.length);
  const from = r.below(other.length);
  return Buffer.concat([data.subarray(0, cut), other.subarray(from)]);
}

/** Line spans of `data`, each with its line break. */
function lines(data: Buffer): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x0a) {
      spans.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < data.length) spans.push([start, data.length]);
  return spans;
}

function duplicateLine(data: Buffer, r: Random): Buffer {
  const spans = lines(data);
  if (!spans.length) return data;
  const [s, e] = r.pick(spans);
  const [at] = r.pick(spans);
  return Buffer.concat([data.subarray(0, at), data.subarray(s, e), data.subarray(at)]);
}

function deleteLine(data: Buffer, r: Random): Buffer {
  const spans = lines(data);
  if (spans.length < 2) return data;
  const [s, e] = r.pick(spans);
  return Buffer.concat([data.subarray(0, s), data.subarray(e)]);
}

function swapLines(data: Buffer, r: Random): Buffer {
  const spans = lines(data);
  if (spans.length < 2) return data;
  const a = r.below(spans.length);
  const b = r.below(spans.length);
  const order = spans.map((_, i) => (i === a ? b : i === b ? a : i));
  return Buffer.concat(order.map((i) => data.subarray(...(spans[i] as [number, number]))));
}

function insertLine(data: Buffer, r: Random, token: Buffer): Buffer {
  const spans = lines(data);
  const at = spans.length ? r.pick(spans)[0] : 0;
  const line = token[token.length - 1] === 0x0a ? token : Buffer.concat([token, Buffer.from('\r\n')]);
  return Buffer.concat([data.subarray(0, at), line, data.subarray(at)]);
}

/** Replaces one run of digits with a boundary value (ids, ports, payload types, lengths). */
function replaceNumber(data: Buffer, r: Random): Buffer {
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < data.length; ) {
    if ((data[i] as number) >= 0x30 && (data[i] as number) <= 0x39) {
      const start = i;
      while (i < data.length && (data[i] as number) >= 0x30 && (data[i] as number) <= 0x39) i++;
      runs.push([start, i]);
    } else i++;
  }
  if (!runs.length) return data;
  const [s, e] = r.pick(runs);
  return Buffer.concat([data.subarray(0, s), Buffer.from(r.pick(INTERESTING_NUMBERS)), data.subarray(e)]);
}
