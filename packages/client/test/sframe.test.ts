import { describe, expect, it } from 'vitest';
import type { SFrameKey } from '../src/e2ee/sframe.ts';
import {
  decodeSFrameHeader,
  deriveSFrameKey,
  encodeSFrameHeader,
  SFrameError,
  SFrameSender,
  sframeDecrypt,
  sframeEncrypt,
} from '../src/e2ee/sframe.ts';

const fromHex = (hex: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
const toHex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/** RFC 9605 Appendix C.1, all of them: [kid, ctr, header]. */
const HEADER_VECTORS: ReadonlyArray<readonly [bigint, bigint, string]> = [
  [0x0n, 0x0n, '00'],
  [0x0n, 0x1n, '01'],
  [0x0n, 0xffn, '08ff'],
  [0x0n, 0x100n, '090100'],
  [0x0n, 0xffffn, '09ffff'],
  [0x0n, 0x10000n, '0a010000'],
  [0x0n, 0xffffffn, '0affffff'],
  [0x0n, 0x1000000n, '0b01000000'],
  [0x0n, 0xffffffffn, '0bffffffff'],
  [0x0n, 0x100000000n, '0c0100000000'],
  [0x0n, 0xffffffffffn, '0cffffffffff'],
  [0x0n, 0x10000000000n, '0d010000000000'],
  [0x0n, 0xffffffffffffn, '0dffffffffffff'],
  [0x0n, 0x1000000000000n, '0e01000000000000'],
  [0x0n, 0xffffffffffffffn, '0effffffffffffff'],
  [0x0n, 0x100000000000000n, '0f0100000000000000'],
  [0x0n, 0xffffffffffffffffn, '0fffffffffffffffff'],
  [0x1n, 0x0n, '10'],
  [0x1n, 0x1n, '11'],
  [0x1n, 0xffn, '18ff'],
  [0x1n, 0x100n, '190100'],
  [0x1n, 0xffffn, '19ffff'],
  [0x1n, 0x10000n, '1a010000'],
  [0x1n, 0xffffffn, '1affffff'],
  [0x1n, 0x1000000n, '1b01000000'],
  [0x1n, 0xffffffffn, '1bffffffff'],
  [0x1n, 0x100000000n, '1c0100000000'],
  [0x1n, 0xffffffffffn, '1cffffffffff'],
  [0x1n, 0x10000000000n, '1d010000000000'],
  [0x1n, 0xffffffffffffn, '1dffffffffffff'],
  [0x1n, 0x1000000000000n, '1e01000000000000'],
  [0x1n, 0xffffffffffffffn, '1effffffffffffff'],
  [0x1n, 0x100000000000000n, '1f0100000000000000'],
  [0x1n, 0xffffffffffffffffn, '1fffffffffffffffff'],
  [0xffn, 0x0n, '80ff'],
  [0xffn, 0x1n, '81ff'],
  [0xffn, 0xffn, '88ffff'],
  [0xffn, 0x100n, '89ff0100'],
  [0xffn, 0xffffn, '89ffffff'],
  [0xffn, 0x10000n, '8aff010000'],
  [0xffn, 0xffffffn, '8affffffff'],
  [0xffn, 0x1000000n, '8bff01000000'],
  [0xffn, 0xffffffffn, '8bffffffffff'],
  [0xffn, 0x100000000n, '8cff0100000000'],
  [0xffn, 0xffffffffffn, '8cffffffffffff'],
  [0xffn, 0x10000000000n, '8dff010000000000'],
  [0xffn, 0xffffffffffffn, '8dffffffffffffff'],
  [0xffn, 0x1000000000000n, '8eff01000000000000'],
  [0xffn, 0xffffffffffffffn, '8effffffffffffffff'],
  [0xffn, 0x100000000000000n, '8fff0100000000000000'],
  [0xffn, 0xffffffffffffffffn, '8fffffffffffffffffff'],
  [0x100n, 0x0n, '900100'],
  [0x100n, 0x1n, '910100'],
  [0x100n, 0xffn, '980100ff'],
  [0x100n, 0x100n, '9901000100'],
  [0x100n, 0xffffn, '990100ffff'],
  [0x100n, 0x10000n, '9a0100010000'],
  [0x100n, 0xffffffn, '9a0100ffffff'],
  [0x100n, 0x1000000n, '9b010001000000'],
  [0x100n, 0xffffffffn, '9b0100ffffffff'],
  [0x100n, 0x100000000n, '9c01000100000000'],
  [0x100n, 0xffffffffffn, '9c0100ffffffffff'],
  [0x100n, 0x10000000000n, '9d0100010000000000'],
  [0x100n, 0xffffffffffffn, '9d0100ffffffffffff'],
  [0x100n, 0x1000000000000n, '9e010001000000000000'],
  [0x100n, 0xffffffffffffffn, '9e0100ffffffffffffff'],
  [0x100n, 0x100000000000000n, '9f01000100000000000000'],
  [0x100n, 0xffffffffffffffffn, '9f0100ffffffffffffffff'],
  [0xffffn, 0x0n, '90ffff'],
  [0xffffn, 0x1n, '91ffff'],
  [0xffffn, 0xffn, '98ffffff'],
  [0xffffn, 0x100n, '99ffff0100'],
  [0xffffn, 0xffffn, '99ffffffff'],
  [0xffffn, 0x10000n, '9affff010000'],
  [0xffffn, 0xffffffn, '9affffffffff'],
  [0xffffn, 0x1000000n, '9bffff01000000'],
  [0xffffn, 0xffffffffn, '9bffffffffffff'],
  [0xffffn, 0x100000000n, '9cffff0100000000'],
  [0xffffn, 0xffffffffffn, '9cffffffffffffff'],
  [0xffffn, 0x10000000000n, '9dffff010000000000'],
  [0xffffn, 0xffffffffffffn, '9dffffffffffffffff'],
  [0xffffn, 0x1000000000000n, '9effff01000000000000'],
  [0xffffn, 0xffffffffffffffn, '9effffffffffffffffff'],
  [0xffffn, 0x100000000000000n, '9fffff0100000000000000'],
  [0xffffn, 0xffffffffffffffffn, '9fffffffffffffffffffff'],
  [0x10000n, 0x0n, 'a0010000'],
  [0x10000n, 0x1n, 'a1010000'],
  [0x10000n, 0xffn, 'a8010000ff'],
  [0x10000n, 0x100n, 'a90100000100'],
  [0x10000n, 0xffffn, 'a9010000ffff'],
  [0x10000n, 0x10000n, 'aa010000010000'],
  [0x10000n, 0xffffffn, 'aa010000ffffff'],
  [0x10000n, 0x1000000n, 'ab01000001000000'],
  [0x10000n, 0xffffffffn, 'ab010000ffffffff'],
  [0x10000n, 0x100000000n, 'ac0100000100000000'],
  [0x10000n, 0xffffffffffn, 'ac010000ffffffffff'],
  [0x10000n, 0x10000000000n, 'ad010000010000000000'],
  [0x10000n, 0xffffffffffffn, 'ad010000ffffffffffff'],
  [0x10000n, 0x1000000000000n, 'ae01000001000000000000'],
  [0x10000n, 0xffffffffffffffn, 'ae010000ffffffffffffff'],
  [0x10000n, 0x100000000000000n, 'af0100000100000000000000'],
  [0x10000n, 0xffffffffffffffffn, 'af010000ffffffffffffffff'],
  [0xffffffn, 0x0n, 'a0ffffff'],
  [0xffffffn, 0x1n, 'a1ffffff'],
  [0xffffffn, 0xffn, 'a8ffffffff'],
  [0xffffffn, 0x100n, 'a9ffffff0100'],
  [0xffffffn, 0xffffn, 'a9ffffffffff'],
  [0xffffffn, 0x10000n, 'aaffffff010000'],
  [0xffffffn, 0xffffffn, 'aaffffffffffff'],
  [0xffffffn, 0x1000000n, 'abffffff01000000'],
  [0xffffffn, 0xffffffffn, 'abffffffffffffff'],
  [0xffffffn, 0x100000000n, 'acffffff0100000000'],
  [0xffffffn, 0xffffffffffn, 'acffffffffffffffff'],
  [0xffffffn, 0x10000000000n, 'adffffff010000000000'],
  [0xffffffn, 0xffffffffffffn, 'adffffffffffffffffff'],
  [0xffffffn, 0x1000000000000n, 'aeffffff01000000000000'],
  [0xffffffn, 0xffffffffffffffn, 'aeffffffffffffffffffff'],
  [0xffffffn, 0x100000000000000n, 'afffffff0100000000000000'],
  [0xffffffn, 0xffffffffffffffffn, 'afffffffffffffffffffffff'],
  [0x1000000n, 0x0n, 'b001000000'],
  [0x1000000n, 0x1n, 'b101000000'],
  [0x1000000n, 0xffn, 'b801000000ff'],
  [0x1000000n, 0x100n, 'b9010000000100'],
  [0x1000000n, 0xffffn, 'b901000000ffff'],
  [0x1000000n, 0x10000n, 'ba01000000010000'],
  [0x1000000n, 0xffffffn, 'ba01000000ffffff'],
  [0x1000000n, 0x1000000n, 'bb0100000001000000'],
  [0x1000000n, 0xffffffffn, 'bb01000000ffffffff'],
  [0x1000000n, 0x100000000n, 'bc010000000100000000'],
  [0x1000000n, 0xffffffffffn, 'bc01000000ffffffffff'],
  [0x1000000n, 0x10000000000n, 'bd01000000010000000000'],
  [0x1000000n, 0xffffffffffffn, 'bd01000000ffffffffffff'],
  [0x1000000n, 0x1000000000000n, 'be0100000001000000000000'],
  [0x1000000n, 0xffffffffffffffn, 'be01000000ffffffffffffff'],
  [0x1000000n, 0x100000000000000n, 'bf010000000100000000000000'],
  [0x1000000n, 0xffffffffffffffffn, 'bf01000000ffffffffffffffff'],
  [0xffffffffn, 0x0n, 'b0ffffffff'],
  [0xffffffffn, 0x1n, 'b1ffffffff'],
  [0xffffffffn, 0xffn, 'b8ffffffffff'],
  [0xffffffffn, 0x100n, 'b9ffffffff0100'],
  [0xffffffffn, 0xffffn, 'b9ffffffffffff'],
  [0xffffffffn, 0x10000n, 'baffffffff010000'],
  [0xffffffffn, 0xffffffn, 'baffffffffffffff'],
  [0xffffffffn, 0x1000000n, 'bbffffffff01000000'],
  [0xffffffffn, 0xffffffffn, 'bbffffffffffffffff'],
  [0xffffffffn, 0x100000000n, 'bcffffffff0100000000'],
  [0xffffffffn, 0xffffffffffn, 'bcffffffffffffffffff'],
  [0xffffffffn, 0x10000000000n, 'bdffffffff010000000000'],
  [0xffffffffn, 0xffffffffffffn, 'bdffffffffffffffffffff'],
  [0xffffffffn, 0x1000000000000n, 'beffffffff01000000000000'],
  [0xffffffffn, 0xffffffffffffffn, 'beffffffffffffffffffffff'],
  [0xffffffffn, 0x100000000000000n, 'bfffffffff0100000000000000'],
  [0xffffffffn, 0xffffffffffffffffn, 'bfffffffffffffffffffffffff'],
  [0x100000000n, 0x0n, 'c00100000000'],
  [0x100000000n, 0x1n, 'c10100000000'],
  [0x100000000n, 0xffn, 'c80100000000ff'],
  [0x100000000n, 0x100n, 'c901000000000100'],
  [0x100000000n, 0xffffn, 'c90100000000ffff'],
  [0x100000000n, 0x10000n, 'ca0100000000010000'],
  [0x100000000n, 0xffffffn, 'ca0100000000ffffff'],
  [0x100000000n, 0x1000000n, 'cb010000000001000000'],
  [0x100000000n, 0xffffffffn, 'cb0100000000ffffffff'],
  [0x100000000n, 0x100000000n, 'cc01000000000100000000'],
  [0x100000000n, 0xffffffffffn, 'cc0100000000ffffffffff'],
  [0x100000000n, 0x10000000000n, 'cd0100000000010000000000'],
  [0x100000000n, 0xffffffffffffn, 'cd0100000000ffffffffffff'],
  [0x100000000n, 0x1000000000000n, 'ce010000000001000000000000'],
  [0x100000000n, 0xffffffffffffffn, 'ce0100000000ffffffffffffff'],
  [0x100000000n, 0x100000000000000n, 'cf01000000000100000000000000'],
  [0x100000000n, 0xffffffffffffffffn, 'cf0100000000ffffffffffffffff'],
  [0xffffffffffn, 0x0n, 'c0ffffffffff'],
  [0xffffffffffn, 0x1n, 'c1ffffffffff'],
  [0xffffffffffn, 0xffn, 'c8ffffffffffff'],
  [0xffffffffffn, 0x100n, 'c9ffffffffff0100'],
  [0xffffffffffn, 0xffffn, 'c9ffffffffffffff'],
  [0xffffffffffn, 0x10000n, 'caffffffffff010000'],
  [0xffffffffffn, 0xffffffn, 'caffffffffffffffff'],
  [0xffffffffffn, 0x1000000n, 'cbffffffffff01000000'],
  [0xffffffffffn, 0xffffffffn, 'cbffffffffffffffffff'],
  [0xffffffffffn, 0x100000000n, 'ccffffffffff0100000000'],
  [0xffffffffffn, 0xffffffffffn, 'ccffffffffffffffffffff'],
  [0xffffffffffn, 0x10000000000n, 'cdffffffffff010000000000'],
  [0xffffffffffn, 0xffffffffffffn, 'cdffffffffffffffffffffff'],
  [0xffffffffffn, 0x1000000000000n, 'ceffffffffff01000000000000'],
  [0xffffffffffn, 0xffffffffffffffn, 'ceffffffffffffffffffffffff'],
  [0xffffffffffn, 0x100000000000000n, 'cfffffffffff0100000000000000'],
  [0xffffffffffn, 0xffffffffffffffffn, 'cfffffffffffffffffffffffffff'],
  [0x10000000000n, 0x0n, 'd0010000000000'],
  [0x10000000000n, 0x1n, 'd1010000000000'],
  [0x10000000000n, 0xffn, 'd8010000000000ff'],
  [0x10000000000n, 0x100n, 'd90100000000000100'],
  [0x10000000000n, 0xffffn, 'd9010000000000ffff'],
  [0x10000000000n, 0x10000n, 'da010000000000010000'],
  [0x10000000000n, 0xffffffn, 'da010000000000ffffff'],
  [0x10000000000n, 0x1000000n, 'db01000000000001000000'],
  [0x10000000000n, 0xffffffffn, 'db010000000000ffffffff'],
  [0x10000000000n, 0x100000000n, 'dc0100000000000100000000'],
  [0x10000000000n, 0xffffffffffn, 'dc010000000000ffffffffff'],
  [0x10000000000n, 0x10000000000n, 'dd010000000000010000000000'],
  [0x10000000000n, 0xffffffffffffn, 'dd010000000000ffffffffffff'],
  [0x10000000000n, 0x1000000000000n, 'de01000000000001000000000000'],
  [0x10000000000n, 0xffffffffffffffn, 'de010000000000ffffffffffffff'],
  [0x10000000000n, 0x100000000000000n, 'df0100000000000100000000000000'],
  [0x10000000000n, 0xffffffffffffffffn, 'df010000000000ffffffffffffffff'],
  [0xffffffffffffn, 0x0n, 'd0ffffffffffff'],
  [0xffffffffffffn, 0x1n, 'd1ffffffffffff'],
  [0xffffffffffffn, 0xffn, 'd8ffffffffffffff'],
  [0xffffffffffffn, 0x100n, 'd9ffffffffffff0100'],
  [0xffffffffffffn, 0xffffn, 'd9ffffffffffffffff'],
  [0xffffffffffffn, 0x10000n, 'daffffffffffff010000'],
  [0xffffffffffffn, 0xffffffn, 'daffffffffffffffffff'],
  [0xffffffffffffn, 0x1000000n, 'dbffffffffffff01000000'],
  [0xffffffffffffn, 0xffffffffn, 'dbffffffffffffffffffff'],
  [0xffffffffffffn, 0x100000000n, 'dcffffffffffff0100000000'],
  [0xffffffffffffn, 0xffffffffffn, 'dcffffffffffffffffffffff'],
  [0xffffffffffffn, 0x10000000000n, 'ddffffffffffff010000000000'],
  [0xffffffffffffn, 0xffffffffffffn, 'ddffffffffffffffffffffffff'],
  [0xffffffffffffn, 0x1000000000000n, 'deffffffffffff01000000000000'],
  [0xffffffffffffn, 0xffffffffffffffn, 'deffffffffffffffffffffffffff'],
  [0xffffffffffffn, 0x100000000000000n, 'dfffffffffffff0100000000000000'],
  [0xffffffffffffn, 0xffffffffffffffffn, 'dfffffffffffffffffffffffffffff'],
  [0x1000000000000n, 0x0n, 'e001000000000000'],
  [0x1000000000000n, 0x1n, 'e101000000000000'],
  [0x1000000000000n, 0xffn, 'e801000000000000ff'],
  [0x1000000000000n, 0x100n, 'e9010000000000000100'],
  [0x1000000000000n, 0xffffn, 'e901000000000000ffff'],
  [0x1000000000000n, 0x10000n, 'ea01000000000000010000'],
  [0x1000000000000n, 0xffffffn, 'ea01000000000000ffffff'],
  [0x1000000000000n, 0x1000000n, 'eb0100000000000001000000'],
  [0x1000000000000n, 0xffffffffn, 'eb01000000000000ffffffff'],
  [0x1000000000000n, 0x100000000n, 'ec010000000000000100000000'],
  [0x1000000000000n, 0xffffffffffn, 'ec01000000000000ffffffffff'],
  [0x1000000000000n, 0x10000000000n, 'ed01000000000000010000000000'],
  [0x1000000000000n, 0xffffffffffffn, 'ed01000000000000ffffffffffff'],
  [0x1000000000000n, 0x1000000000000n, 'ee0100000000000001000000000000'],
  [0x1000000000000n, 0xffffffffffffffn, 'ee01000000000000ffffffffffffff'],
  [0x1000000000000n, 0x100000000000000n, 'ef010000000000000100000000000000'],
  [0x1000000000000n, 0xffffffffffffffffn, 'ef01000000000000ffffffffffffffff'],
  [0xffffffffffffffn, 0x0n, 'e0ffffffffffffff'],
  [0xffffffffffffffn, 0x1n, 'e1ffffffffffffff'],
  [0xffffffffffffffn, 0xffn, 'e8ffffffffffffffff'],
  [0xffffffffffffffn, 0x100n, 'e9ffffffffffffff0100'],
  [0xffffffffffffffn, 0xffffn, 'e9ffffffffffffffffff'],
  [0xffffffffffffffn, 0x10000n, 'eaffffffffffffff010000'],
  [0xffffffffffffffn, 0xffffffn, 'eaffffffffffffffffffff'],
  [0xffffffffffffffn, 0x1000000n, 'ebffffffffffffff01000000'],
  [0xffffffffffffffn, 0xffffffffn, 'ebffffffffffffffffffffff'],
  [0xffffffffffffffn, 0x100000000n, 'ecffffffffffffff0100000000'],
  [0xffffffffffffffn, 0xffffffffffn, 'ecffffffffffffffffffffffff'],
  [0xffffffffffffffn, 0x10000000000n, 'edffffffffffffff010000000000'],
  [0xffffffffffffffn, 0xffffffffffffn, 'edffffffffffffffffffffffffff'],
  [0xffffffffffffffn, 0x1000000000000n, 'eeffffffffffffff01000000000000'],
  [0xffffffffffffffn, 0xffffffffffffffn, 'eeffffffffffffffffffffffffffff'],
  [0xffffffffffffffn, 0x100000000000000n, 'efffffffffffffff0100000000000000'],
  [0xffffffffffffffn, 0xffffffffffffffffn, 'efffffffffffffffffffffffffffffff'],
  [0x100000000000000n, 0x0n, 'f00100000000000000'],
  [0x100000000000000n, 0x1n, 'f10100000000000000'],
  [0x100000000000000n, 0xffn, 'f80100000000000000ff'],
  [0x100000000000000n, 0x100n, 'f901000000000000000100'],
  [0x100000000000000n, 0xffffn, 'f90100000000000000ffff'],
  [0x100000000000000n, 0x10000n, 'fa0100000000000000010000'],
  [0x100000000000000n, 0xffffffn, 'fa0100000000000000ffffff'],
  [0x100000000000000n, 0x1000000n, 'fb010000000000000001000000'],
  [0x100000000000000n, 0xffffffffn, 'fb0100000000000000ffffffff'],
  [0x100000000000000n, 0x100000000n, 'fc01000000000000000100000000'],
  [0x100000000000000n, 0xffffffffffn, 'fc0100000000000000ffffffffff'],
  [0x100000000000000n, 0x10000000000n, 'fd0100000000000000010000000000'],
  [0x100000000000000n, 0xffffffffffffn, 'fd0100000000000000ffffffffffff'],
  [0x100000000000000n, 0x1000000000000n, 'fe010000000000000001000000000000'],
  [0x100000000000000n, 0xffffffffffffffn, 'fe0100000000000000ffffffffffffff'],
  [0x100000000000000n, 0x100000000000000n, 'ff01000000000000000100000000000000'],
  [0x100000000000000n, 0xffffffffffffffffn, 'ff0100000000000000ffffffffffffffff'],
  [0xffffffffffffffffn, 0x0n, 'f0ffffffffffffffff'],
  [0xffffffffffffffffn, 0x1n, 'f1ffffffffffffffff'],
  [0xffffffffffffffffn, 0xffn, 'f8ffffffffffffffffff'],
  [0xffffffffffffffffn, 0x100n, 'f9ffffffffffffffff0100'],
  [0xffffffffffffffffn, 0xffffn, 'f9ffffffffffffffffffff'],
  [0xffffffffffffffffn, 0x10000n, 'faffffffffffffffff010000'],
  [0xffffffffffffffffn, 0xffffffn, 'faffffffffffffffffffffff'],
  [0xffffffffffffffffn, 0x1000000n, 'fbffffffffffffffff01000000'],
  [0xffffffffffffffffn, 0xffffffffn, 'fbffffffffffffffffffffffff'],
  [0xffffffffffffffffn, 0x100000000n, 'fcffffffffffffffff0100000000'],
  [0xffffffffffffffffn, 0xffffffffffn, 'fcffffffffffffffffffffffffff'],
  [0xffffffffffffffffn, 0x10000000000n, 'fdffffffffffffffff010000000000'],
  [0xffffffffffffffffn, 0xffffffffffffn, 'fdffffffffffffffffffffffffffff'],
  [0xffffffffffffffffn, 0x1000000000000n, 'feffffffffffffffff01000000000000'],
  [0xffffffffffffffffn, 0xffffffffffffffn, 'feffffffffffffffffffffffffffffff'],
  [0xffffffffffffffffn, 0x100000000000000n, 'ffffffffffffffffff0100000000000000'],
  [0xffffffffffffffffn, 0xffffffffffffffffn, 'ffffffffffffffffffffffffffffffffff'],
];

/** RFC 9605 Appendix C.3, the one vector for cipher suite 0x0004 (AES_128_GCM_SHA256_128). */
const GCM_VECTOR = {
  kid: 0x123n,
  ctr: 0x4567n,
  baseKey: '000102030405060708090a0b0c0d0e0f',
  sframeKey: 'd34f547f4ca4f9a7447006fe7fcbf768',
  sframeSalt: '75234edefe07819026751816',
  metadata: '4945544620534672616d65205747',
  nonce: '75234edefe07819026755d71',
  aad: '99012345674945544620534672616d65205747',
  pt: '64726166742d696574662d736672616d652d656e63',
  ct: '9901234567b7412c2513a1b66dbb48841bbaf17f598751176ad847681a69c6d0b091c07018ce4adb34eb',
};
const HEADER_LENGTH = 5; // 99 0123 4567

async function sframeErrorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SFrameError);
    return (error as SFrameError).code;
  }
  throw new Error('expected an SFrameError');
}

function flipBit(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index]! ^= 0x01;
  return copy;
}

const vectorKey = () => deriveSFrameKey(fromHex(GCM_VECTOR.baseKey), GCM_VECTOR.kid);
const only = (key: SFrameKey) => (kid: bigint) => (kid === key.kid ? key : undefined);

describe('SFrame header (RFC 9605 §4.3, Appendix C.1)', () => {
  it('encodes every RFC vector', () => {
    expect(HEADER_VECTORS).toHaveLength(289);
    for (const [kid, ctr, header] of HEADER_VECTORS) expect(toHex(encodeSFrameHeader(kid, ctr))).toBe(header);
  });

  it('decodes every RFC vector', () => {
    for (const [kid, ctr, header] of HEADER_VECTORS) {
      expect(decodeSFrameHeader(fromHex(header))).toEqual({ kid, ctr, length: header.length / 2 });
    }
  });

  it('decodes at an offset and ignores what follows the header', () => {
    const data = fromHex(`aabbcc${'9901234567'}deadbeef`);
    expect(decodeSFrameHeader(data, 3)).toEqual({ kid: 0x123n, ctr: 0x4567n, length: 5 });
  });

  it('refuses every truncated RFC vector as malformed', () => {
    for (const [, , header] of HEADER_VECTORS) {
      const bytes = fromHex(header);
      for (let length = 0; length < bytes.length; length++) {
        expect(() => decodeSFrameHeader(bytes.subarray(0, length))).toThrow(SFrameError);
      }
    }
    expect(() => decodeSFrameHeader(fromHex('9901234567'), 5)).toThrow(/missing/);
  });

  it('refuses encodings that are not minimal', () => {
    for (const header of ['0800', '0807', '090001', '8000', '880708', 'f8000000000000000100']) {
      expect(() => decodeSFrameHeader(fromHex(header)), header).toThrow(/not minimally encoded/);
    }
  });

  it('refuses values outside 0..2^64-1', () => {
    expect(() => encodeSFrameHeader(1n << 64n, 0n)).toThrow(RangeError);
    expect(() => encodeSFrameHeader(0n, 1n << 64n)).toThrow(RangeError);
    expect(() => encodeSFrameHeader(-1n, 0n)).toThrow(RangeError);
  });
});

describe('SFrame AES_128_GCM_SHA256_128 (RFC 9605 §4.4, Appendix C.3)', () => {
  it('derives the RFC sframe_salt and a non-extractable AES-128-GCM key', async () => {
    const key = await vectorKey();
    expect(key.kid).toBe(GCM_VECTOR.kid);
    expect(toHex(key.salt)).toBe(GCM_VECTOR.sframeSalt);
    expect(key.key.extractable).toBe(false);
    expect(key.key.algorithm).toEqual({ name: 'AES-GCM', length: 128 });
    expect([...key.key.usages].sort()).toEqual(['decrypt', 'encrypt']);
  });

  it('encrypts to the exact RFC ciphertext', async () => {
    const sealed = await sframeEncrypt(await vectorKey(), GCM_VECTOR.ctr, fromHex(GCM_VECTOR.metadata), fromHex(GCM_VECTOR.pt));
    expect(toHex(sealed)).toBe(GCM_VECTOR.ct);
  });

  it('used the RFC sframe_key, nonce and aad (opened with them directly)', async () => {
    const sealed = await sframeEncrypt(await vectorKey(), GCM_VECTOR.ctr, fromHex(GCM_VECTOR.metadata), fromHex(GCM_VECTOR.pt));
    expect(toHex(sealed.subarray(0, HEADER_LENGTH))).toBe(GCM_VECTOR.aad.slice(0, HEADER_LENGTH * 2));
    const rfcKey = await crypto.subtle.importKey('raw', fromHex(GCM_VECTOR.sframeKey), 'AES-GCM', false, ['decrypt']);
    const params = { name: 'AES-GCM', iv: fromHex(GCM_VECTOR.nonce), additionalData: fromHex(GCM_VECTOR.aad), tagLength: 128 };
    const opened = await crypto.subtle.decrypt(params, rfcKey, sealed.slice(HEADER_LENGTH));
    expect(toHex(new Uint8Array(opened))).toBe(GCM_VECTOR.pt);
  });

  it('decrypts the RFC ciphertext', async () => {
    const opened = await sframeDecrypt(only(await vectorKey()), fromHex(GCM_VECTOR.metadata), fromHex(GCM_VECTOR.ct));
    expect(opened.kid).toBe(GCM_VECTOR.kid);
    expect(opened.ctr).toBe(GCM_VECTOR.ctr);
    expect(toHex(opened.plaintext)).toBe(GCM_VECTOR.pt);
  });

  it('round-trips empty and large frames, empty metadata and extreme KID/CTR', async () => {
    for (const kid of [0n, 7n, 8n, (1n << 64n) - 1n]) {
      const key = await deriveSFrameKey(fromHex(GCM_VECTOR.baseKey), kid);
      for (const ctr of [0n, 7n, 8n, 0x1_0000_0000n, (1n << 64n) - 1n]) {
        for (const size of [0, 1, 1200]) {
          const plaintext = Uint8Array.from({ length: size }, (_, i) => i * 7);
          const metadata = size === 1 ? new Uint8Array(0) : fromHex('0102030405');
          const sealed = await sframeEncrypt(key, ctr, metadata, plaintext);
          expect(sealed.length).toBe(encodeSFrameHeader(kid, ctr).length + size + 16);
          const opened = await sframeDecrypt(only(key), metadata, sealed);
          expect({ kid: opened.kid, ctr: opened.ctr }).toEqual({ kid, ctr });
          expect(opened.plaintext).toEqual(plaintext);
        }
      }
    }
  });

  it('decrypts subarrays of a larger buffer (frames after a clear prefix)', async () => {
    const key = await vectorKey();
    const metadata = fromHex(GCM_VECTOR.metadata);
    const frame = new Uint8Array(metadata.length + GCM_VECTOR.ct.length / 2);
    frame.set(metadata);
    frame.set(fromHex(GCM_VECTOR.ct), metadata.length);
    const opened = await sframeDecrypt(only(key), frame.subarray(0, metadata.length), frame.subarray(metadata.length));
    expect(toHex(opened.plaintext)).toBe(GCM_VECTOR.pt);
  });
});

describe('sframeDecrypt refusals', () => {
  const metadata = fromHex(GCM_VECTOR.metadata);
  const ct = fromHex(GCM_VECTOR.ct);

  it('refuses a flipped bit anywhere in metadata, header CTR, ciphertext or tag', async () => {
    const key = await vectorKey();
    for (let i = 0; i < metadata.length; i++)
      expect(await sframeErrorCode(sframeDecrypt(only(key), flipBit(metadata, i), ct))).toBe('auth-failed');
    // Bytes 3-4 are the CTR: a flip there is a well-formed header with another nonce and AAD.
    for (let i = 3; i < ct.length; i++)
      expect(await sframeErrorCode(sframeDecrypt(only(key), metadata, flipBit(ct, i)))).toBe('auth-failed');
  });

  it('refuses the wrong metadata length and a frame moved to another CTR', async () => {
    const key = await vectorKey();
    expect(await sframeErrorCode(sframeDecrypt(only(key), metadata.subarray(1), ct))).toBe('auth-failed');
    expect(await sframeErrorCode(sframeDecrypt(only(key), new Uint8Array(0), ct))).toBe('auth-failed');
    const moved = new Uint8Array([0x98, 0x01, 0x23, 0x45, ...ct.subarray(HEADER_LENGTH)]);
    expect(await sframeErrorCode(sframeDecrypt(only(key), metadata, moved))).toBe('auth-failed');
  });

  it('refuses a ciphertext sealed under another key for the same KID', async () => {
    const other = await deriveSFrameKey(fromHex('ff'.repeat(16)), GCM_VECTOR.kid);
    expect(await sframeErrorCode(sframeDecrypt(only(other), metadata, ct))).toBe('auth-failed');
  });

  it('reports an unknown KID, including a KID byte flipped in the header', async () => {
    const key = await vectorKey();
    expect(await sframeErrorCode(sframeDecrypt(() => undefined, metadata, ct))).toBe('unknown-key');
    expect(await sframeErrorCode(sframeDecrypt(only(key), metadata, flipBit(ct, 2)))).toBe('unknown-key');
    // A lookup that ignores the KID cannot hand back a key derived for another one.
    expect(await sframeErrorCode(sframeDecrypt(() => key, metadata, flipBit(ct, 2)))).toBe('unknown-key');
  });

  it('reports truncated input as malformed', async () => {
    const key = await vectorKey();
    for (const length of [0, 1, 4, HEADER_LENGTH, HEADER_LENGTH + 15]) {
      expect(await sframeErrorCode(sframeDecrypt(only(key), metadata, ct.subarray(0, length)))).toBe('malformed');
    }
    // Header and a bare tag (an empty frame) is the shortest valid ciphertext: it fails on the tag.
    expect(await sframeErrorCode(sframeDecrypt(only(key), metadata, ct.subarray(0, HEADER_LENGTH + 16)))).toBe('auth-failed');
  });
});

describe('SFrameSender', () => {
  const base = fromHex(GCM_VECTOR.baseKey);
  const counterOf = (sealed: Uint8Array) => decodeSFrameHeader(sealed).ctr;

  it('counts from 0 and never repeats a counter, even for concurrent frames', async () => {
    const key = await deriveSFrameKey(base, 9n);
    const sender = new SFrameSender(key);
    expect(sender.kid).toBe(9n);
    const frames = await Promise.all(Array.from({ length: 300 }, (_, i) => sender.encrypt(new Uint8Array(0), Uint8Array.of(i))));
    expect(frames.map(counterOf)).toEqual(Array.from({ length: 300 }, (_, i) => BigInt(i)));
    const opened = await Promise.all(frames.map((frame) => sframeDecrypt(only(key), new Uint8Array(0), frame)));
    expect(opened.map(({ plaintext }) => plaintext[0])).toEqual(Array.from({ length: 300 }, (_, i) => i % 256));
  });

  it('restarts the counter for a new key', async () => {
    const sender = new SFrameSender(await deriveSFrameKey(base, 1n));
    await sender.encrypt(new Uint8Array(0), new Uint8Array(1));
    await sender.encrypt(new Uint8Array(0), new Uint8Array(1));
    const next = await deriveSFrameKey(fromHex('ff'.repeat(16)), 1n);
    sender.rekey(next);
    const sealed = await sender.encrypt(new Uint8Array(0), new Uint8Array(1));
    expect(counterOf(sealed)).toBe(0n);
    expect((await sframeDecrypt(only(next), new Uint8Array(0), sealed)).plaintext).toEqual(new Uint8Array(1));
  });

  it('keeps counting when rekeyed to the same key material', async () => {
    const sender = new SFrameSender(await deriveSFrameKey(base, 1n));
    await sender.encrypt(new Uint8Array(0), new Uint8Array(1));
    sender.rekey(await deriveSFrameKey(base, 1n));
    expect(counterOf(await sender.encrypt(new Uint8Array(0), new Uint8Array(1)))).toBe(1n);
  });
});
