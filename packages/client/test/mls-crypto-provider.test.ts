import { defaultCryptoProvider, getCiphersuiteFromName } from 'ts-mls';
import { describe, expect, it } from 'vitest';
import { hkdfSha256, mlsCryptoProvider, sha256Hash } from '../src/e2ee/mls-crypto-provider.ts';

const suite = getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const random = (length: number) => crypto.getRandomValues(new Uint8Array(length));

describe('the crypto under ts-mls', () => {
  it('computes HKDF-SHA-256 as RFC 5869 says (test case 1)', async () => {
    const prk = await hkdfSha256.extract(fromHex('000102030405060708090a0b0c'), fromHex('0b'.repeat(22)));
    expect(hex(prk)).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    const okm = await hkdfSha256.expand(prk, fromHex('f0f1f2f3f4f5f6f7f8f9'), 42);
    expect(hex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  it('gives the same bytes as ts-mls’s WebCrypto default, so members on either agree', async () => {
    const reference = await defaultCryptoProvider.getCiphersuiteImpl(suite);
    for (const length of [0, 1, 31, 32, 33, 64, 200]) {
      const data = random(length);
      const key = random(32);
      expect(hex(await sha256Hash.digest(data))).toBe(hex(await reference.hash.digest(data)));
      expect(hex(await sha256Hash.mac(key, data))).toBe(hex(await reference.hash.mac(key, data)));
      expect(hex(await hkdfSha256.extract(key, data))).toBe(hex(await reference.kdf.extract(key, data)));
      expect(hex(await hkdfSha256.extract(new Uint8Array(0), data))).toBe(
        hex(await reference.kdf.extract(new Uint8Array(0), data)),
      );
      for (const size of [12, 16, 32, 33, 64]) {
        expect(hex(await hkdfSha256.expand(key, data, size))).toBe(hex(await reference.kdf.expand(key, data, size)));
      }
    }
    expect(hkdfSha256.size).toBe(reference.kdf.size);
  });

  it('checks a MAC in full: a wrong one or one of another length is refused', async () => {
    const key = random(32);
    const data = random(50);
    const mac = await sha256Hash.mac(key, data);
    expect(await sha256Hash.verifyMac(key, mac, data)).toBe(true);
    const flipped = mac.slice();
    flipped[31] = (flipped[31] as number) ^ 1;
    expect(await sha256Hash.verifyMac(key, flipped, data)).toBe(false);
    expect(await sha256Hash.verifyMac(key, mac.subarray(0, 16), data)).toBe(false);
  });

  it('keeps ts-mls’s own HPKE, AEAD and signatures', async () => {
    const impl = await mlsCryptoProvider.getCiphersuiteImpl(suite);
    expect(impl.hash).toBe(sha256Hash);
    expect(impl.kdf).toBe(hkdfSha256);
    expect(impl.name).toBe(suite.name);
    const pair = await impl.signature.keygen();
    const message = random(40);
    expect(await impl.signature.verify(pair.publicKey, message, await impl.signature.sign(pair.signKey, message))).toBe(true);
  });
});
