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
import { HEADER_VECTORS } from './fixtures/sframe-header-vectors.ts';

const fromHex = (hex: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
const toHex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

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
