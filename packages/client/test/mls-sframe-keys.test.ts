import { describe, expect, it } from 'vitest';
import { makeKid, parseKid, SFRAME_EXPORTER_LABEL, SFRAME_EXPORTER_LENGTH, senderBaseKey } from '../src/e2ee/mls-sframe-keys.ts';
import type { SFrameKey } from '../src/e2ee/sframe.ts';
import { decodeSFrameHeader, deriveSFrameKey, SFrameSender, sframeDecrypt, sframeEncrypt } from '../src/e2ee/sframe.ts';

const toHex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
const epochSecret = (fill: number) => new Uint8Array(SFRAME_EXPORTER_LENGTH).fill(fill);

/** What a member does for any sender of an epoch: the RFC 9605 §5.2 key for that sender's KID. */
async function memberKey(secret: Uint8Array, leafIndex: number, epoch: bigint): Promise<SFrameKey> {
  return deriveSFrameKey(await senderBaseKey(secret, leafIndex), makeKid(leafIndex, epoch));
}

describe('MLS exporter parameters (RFC 9605 §5.2)', () => {
  it('exports AEAD.Nk = 16 bytes under "SFrame 1.0 Base Key"', () => {
    expect(SFRAME_EXPORTER_LABEL).toBe('SFrame 1.0 Base Key');
    expect(new TextEncoder().encode(SFRAME_EXPORTER_LABEL)).toHaveLength(19);
    expect(SFRAME_EXPORTER_LENGTH).toBe(16);
  });
});

describe('makeKid / parseKid (RFC 9605 §5.2, context 0)', () => {
  it('gives the KIDs of the RFC example (E = 4)', () => {
    const examples: Array<[number, number, bigint]> = [
      [14, 3, 0x3en],
      [14, 7, 0x7en],
      [14, 20, 0x14en],
      [15, 3, 0x3fn],
      [15, 5, 0x5fn],
      [17, 33, 0x211n],
      [17, 51, 0x331n],
    ];
    for (const [epoch, leafIndex, kid] of examples) {
      expect(makeKid(leafIndex, epoch)).toBe(kid);
      expect(parseKid(kid)).toEqual({ leafIndex, epochLow: epoch % 16 });
    }
  });

  it('round-trips leaf indices and epochs, keeping only the low epoch bits', () => {
    for (const leafIndex of [0, 1, 2, 63, 1000, 0xffff_ffff]) {
      for (const epoch of [0n, 1n, 15n, 16n, 17n, 1234567n, (1n << 64n) - 1n]) {
        expect(parseKid(makeKid(leafIndex, epoch))).toEqual({ leafIndex, epochLow: Number(epoch % 16n) });
      }
    }
  });

  it('wraps the epoch: epochs 2^E apart share a KID', () => {
    expect(makeKid(5, 16)).toBe(makeKid(5, 0));
    expect(makeKid(5, 31n)).toBe(makeKid(5, 15n));
    expect(makeKid(5, 16)).not.toBe(makeKid(5, 17));
    expect(parseKid(makeKid(5, 16)).epochLow).toBe(0);
  });

  it('honours other epoch widths', () => {
    expect(makeKid(3, 0x1ff, 8)).toBe(0x3ffn);
    expect(parseKid(0x3ffn, 8)).toEqual({ leafIndex: 3, epochLow: 0xff });
    expect(makeKid(3, 0x1ff, 0)).toBe(3n);
    expect(parseKid(makeKid(0xffff_ffff, 0xffff_ffffn, 32), 32)).toEqual({ leafIndex: 0xffff_ffff, epochLow: 0xffff_ffff });
  });

  it('accepts epochs as numbers or bigints alike', () => {
    expect(makeKid(2, 14)).toBe(makeKid(2, 14n));
  });

  it('refuses impossible inputs', () => {
    for (const leafIndex of [-1, 1.5, 2 ** 32, Number.NaN]) expect(() => makeKid(leafIndex, 0)).toThrow(RangeError);
    expect(() => makeKid(0, -1)).toThrow(RangeError);
    expect(() => makeKid(0, 2 ** 53)).toThrow(RangeError);
    expect(() => makeKid(0, 1n << 64n)).toThrow(RangeError);
    for (const bits of [-1, 33, 2.5]) expect(() => makeKid(0, 0, bits)).toThrow(RangeError);
    expect(() => parseKid(-1n)).toThrow(RangeError);
  });

  it('parses any KID a header can carry without throwing', () => {
    const max = (1n << 64n) - 1n;
    expect(parseKid(max).epochLow).toBe(15);
    expect(parseKid(max).leafIndex).toBeGreaterThan(0xffff_ffff);
  });
});

describe('per-sender SFrame keys from one epoch secret (RFC 9605 §5.2)', () => {
  it('uses the exporter output itself as every sender’s base_key, as a copy', async () => {
    const secret = epochSecret(7);
    const base = await senderBaseKey(secret, 3);
    expect(base).toEqual(secret);
    expect(await senderBaseKey(secret, 4)).toEqual(secret);
    secret.fill(0);
    expect(base).toEqual(epochSecret(7));
    await expect(senderBaseKey(secret, -1)).rejects.toThrow(RangeError);
  });

  it('gives different leaf indices different keys and salts', async () => {
    const secret = epochSecret(7);
    const [a, b] = await Promise.all([memberKey(secret, 1, 42n), memberKey(secret, 2, 42n)]);
    expect(a.kid).not.toBe(b.kid);
    expect(toHex(a.salt)).not.toBe(toHex(b.salt));
    // Same CTR, metadata and plaintext: the ciphertexts still differ, so the AES keys do too.
    const metadata = new Uint8Array(0);
    const plaintext = new Uint8Array(32);
    const sealedA = await sframeEncrypt(a, 0n, metadata, plaintext);
    const sealedB = await sframeEncrypt(b, 0n, metadata, plaintext);
    expect(toHex(sealedA.subarray(2))).not.toBe(toHex(sealedB.subarray(2)));
    const swapped: SFrameKey = { ...b, kid: a.kid };
    await expect(sframeDecrypt(() => swapped, metadata, sealedA)).rejects.toMatchObject({ code: 'auth-failed' });
  });

  it('gives the same leaf different keys in different epochs', async () => {
    const [before, after] = await Promise.all([memberKey(epochSecret(7), 1, 15n), memberKey(epochSecret(8), 1, 16n)]);
    expect(toHex(before.salt)).not.toBe(toHex(after.salt));
  });

  it('lets a receiver find the sender’s key from the KID in the header alone', async () => {
    const secret = epochSecret(9);
    const sender = new SFrameSender(await memberKey(secret, 6, 100n));
    const metadata = Uint8Array.of(0xfc);
    const sealed = await sender.encrypt(metadata, new TextEncoder().encode('hello'));
    const { kid } = decodeSFrameHeader(sealed);
    const { leafIndex, epochLow } = parseKid(kid);
    expect({ leafIndex, epochLow }).toEqual({ leafIndex: 6, epochLow: 100 % 16 });
    const receiverKey = await deriveSFrameKey(await senderBaseKey(secret, leafIndex), kid);
    const opened = await sframeDecrypt(() => receiverKey, metadata, sealed);
    expect(new TextDecoder().decode(opened.plaintext)).toBe('hello');
  });
});
