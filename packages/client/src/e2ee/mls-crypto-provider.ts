/**
 * The crypto under ts-mls: its own default (WebCrypto for HPKE, AEAD and Ed25519), except SHA-256,
 * HMAC and HKDF, which run here in JavaScript (@noble/hashes, audited). Why: MLS runs them on
 * small inputs in great numbers — each epoch derives its whole secret tree (~780 HKDF-Expands
 * at 100 members) and hashes the ratchet tree (~260 SHA-256) — and through WebCrypto each one is
 * an asynchronous round trip to another thread (HKDF-Expand: an importKey and a sign per call).
 * Those round trips were most of the time of a commit, of following one and of processing a
 * Welcome (about 45 of 70 ms at 100 members); in JavaScript the same work takes a few ms. Same
 * functions (RFC 2104, RFC 5869, FIPS 180-4), same bytes: members on either implementation agree.
 */
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Ciphersuite, CiphersuiteImpl, CryptoProvider } from 'ts-mls';
import { defaultCryptoProvider } from 'ts-mls';

const HASH_LENGTH = 32;

/** SHA-256 and HMAC-SHA-256, answered at once. */
export const sha256Hash: CiphersuiteImpl['hash'] = {
  async digest(data) {
    return sha256(data);
  },
  async mac(key, data) {
    return hmac(sha256, key, data);
  },
  async verifyMac(key, mac, data) {
    return constantTimeEqual(mac, hmac(sha256, key, data));
  },
};

/** HKDF-SHA-256 (RFC 5869); an empty salt is HashLen zero bytes, as the RFC says. */
export const hkdfSha256: CiphersuiteImpl['kdf'] = {
  async extract(salt, ikm) {
    return extract(sha256, ikm, salt.length ? salt : undefined);
  },
  async expand(prk, info, length) {
    return expand(sha256, prk, info, length);
  },
  size: HASH_LENGTH,
};

export const mlsCryptoProvider: CryptoProvider = {
  async getCiphersuiteImpl(suite: Ciphersuite): Promise<CiphersuiteImpl> {
    const base = await defaultCryptoProvider.getCiphersuiteImpl(suite);
    if (suite.hash !== 'SHA-256' || suite.hpke.kdf !== 'HKDF-SHA256') return base;
    return { ...base, hash: sha256Hash, kdf: hkdfSha256 };
  },
};

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}
