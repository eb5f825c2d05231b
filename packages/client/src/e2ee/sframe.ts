/**
 * SFrame (RFC 9605) with the one cipher suite we use, AES_128_GCM_SHA256_128 (0x0004), on
 * WebCrypto alone so the same code runs in Node and in the browser's E2EE worker.
 *
 * An SFrame ciphertext is header || AES-GCM ciphertext || 16-byte tag; the header carries the
 * KID (which key) and the CTR (which nonce), and is authenticated together with the caller's
 * metadata (the bytes left in the clear for the SFU).
 */

const CIPHER_SUITE = 0x0004;
/** AEAD.Nk, AEAD.Nn, AEAD.Nt of AES_128_GCM_SHA256_128 (§4.5). */
const KEY_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const MAX_U64 = (1n << 64n) - 1n;

const text = new TextEncoder();
const KEY_LABEL = text.encode('SFrame 1.0 Secret key ');
const SALT_LABEL = text.encode('SFrame 1.0 Secret salt ');
const EMPTY = new Uint8Array(0);

/**
 * 'wrong-sender' and 'replayed' (frame-crypto.ts): a frame whose KID is not the member its receiver
 * carries, or whose counter was already accepted from that KID.
 */
export type SFrameErrorCode = 'malformed' | 'unknown-key' | 'auth-failed' | 'wrong-sender' | 'replayed';

/** Why a ciphertext was refused; never carries WebCrypto's own (implementation-specific) errors. */
export class SFrameError extends Error {
  readonly code: SFrameErrorCode;

  constructor(code: SFrameErrorCode, message: string) {
    super(message);
    this.name = 'SFrameError';
    this.code = code;
  }
}

/** A KID's derived key and salt (§4.4.2). The AES key is non-extractable from birth. */
export interface SFrameKey {
  kid: bigint;
  key: CryptoKey;
  salt: Uint8Array;
}

// ---- Header (§4.3) ----

/** Header for (KID, CTR): config byte X|KKK|Y|CCC, then the long KID, then the long CTR. */
export function encodeSFrameHeader(kid: bigint, ctr: bigint): Uint8Array {
  const header = new Uint8Array(headerLength(kid, ctr));
  writeHeader(header, kid, ctr);
  return header;
}

/** KID, CTR and byte length of the header at `offset`; only the minimal encoding is accepted. */
export function decodeSFrameHeader(data: Uint8Array, offset = 0): { kid: bigint; ctr: bigint; length: number } {
  if (!Number.isInteger(offset) || offset < 0 || offset >= data.length) throw malformed('SFrame header missing');
  const config = data[offset]!;
  const kidLength = config & 0x80 ? ((config >> 4) & 0x07) + 1 : 0;
  const ctrLength = config & 0x08 ? (config & 0x07) + 1 : 0;
  const length = 1 + kidLength + ctrLength;
  if (offset + length > data.length) throw malformed('SFrame header truncated');
  const kid = kidLength ? readBigEndian(data, offset + 1, kidLength) : BigInt((config >> 4) & 0x07);
  const ctr = ctrLength ? readBigEndian(data, offset + 1 + kidLength, ctrLength) : BigInt(config & 0x07);
  // §4.3 requires the minimal form: with it each (KID, CTR) has exactly one header.
  if (fieldLength(kid) !== kidLength || fieldLength(ctr) !== ctrLength) throw malformed('SFrame header not minimally encoded');
  return { kid, ctr, length };
}

function headerLength(kid: bigint, ctr: bigint): number {
  checkU64(kid, 'KID');
  checkU64(ctr, 'CTR');
  return 1 + fieldLength(kid) + fieldLength(ctr);
}

function writeHeader(out: Uint8Array, kid: bigint, ctr: bigint): void {
  const kidLength = fieldLength(kid);
  const ctrLength = fieldLength(ctr);
  const k = kidLength ? 0x08 | (kidLength - 1) : Number(kid);
  const c = ctrLength ? 0x08 | (ctrLength - 1) : Number(ctr);
  out[0] = (k << 4) | c;
  writeBigEndian(out, 1, kid, kidLength);
  writeBigEndian(out, 1 + kidLength, ctr, ctrLength);
}

/** Bytes after the config byte: none for 0-7 (carried in the config byte), else the minimum. */
function fieldLength(value: bigint): number {
  if (value < 8n) return 0;
  let length = 1;
  for (let rest = value >> 8n; rest > 0n; rest >>= 8n) length++;
  return length;
}

function writeBigEndian(out: Uint8Array, offset: number, value: bigint, length: number): void {
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    out[offset + i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

function readBigEndian(data: Uint8Array, offset: number, length: number): bigint {
  let value = 0n;
  for (let i = 0; i < length; i++) value = (value << 8n) | BigInt(data[offset + i]!);
  return value;
}

function checkU64(value: bigint, name: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_U64) throw new RangeError(`SFrame ${name} must be in 0..2^64-1`);
}

function malformed(message: string): SFrameError {
  return new SFrameError('malformed', message);
}

// ---- Keys (§4.4.2) ----

/**
 * sframe_key and sframe_salt for `kid`: HKDF-SHA256 with an empty salt (sframe_secret), expanded
 * with "SFrame 1.0 Secret key/salt " || KID (8 bytes) || cipher suite (2 bytes).
 */
export async function deriveSFrameKey(baseKey: Uint8Array, kid: bigint): Promise<SFrameKey> {
  checkU64(kid, 'KID');
  const subtle = globalThis.crypto.subtle;
  const secret = await subtle.importKey('raw', source(baseKey), 'HKDF', false, ['deriveKey', 'deriveBits']);
  // WebCrypto's HKDF is Extract-then-Expand (RFC 5869), so both share §4.4.2's sframe_secret.
  const [key, salt] = await Promise.all([
    subtle.deriveKey(hkdf(KEY_LABEL, kid), secret, { name: 'AES-GCM', length: KEY_BYTES * 8 }, false, ['encrypt', 'decrypt']),
    subtle.deriveBits(hkdf(SALT_LABEL, kid), secret, NONCE_BYTES * 8),
  ]);
  return { kid, key, salt: new Uint8Array(salt) };
}

function hkdf(label: Uint8Array, kid: bigint): HkdfParams {
  const info = new Uint8Array(label.length + 10);
  info.set(label);
  const view = new DataView(info.buffer);
  view.setBigUint64(label.length, kid);
  view.setUint16(label.length + 8, CIPHER_SUITE);
  return { name: 'HKDF', hash: 'SHA-256', salt: EMPTY, info };
}

// ---- Encryption (§4.4.3, §4.4.4) ----

/** header || ciphertext || tag. The caller guarantees (KID, CTR) is never reused: see SFrameSender. */
export async function sframeEncrypt(
  key: SFrameKey,
  ctr: bigint,
  metadata: Uint8Array,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  const length = headerLength(key.kid, ctr);
  // One buffer is the AAD (header || metadata); its header part is then copied to the output.
  const aad = new Uint8Array(length + metadata.length);
  writeHeader(aad, key.kid, ctr);
  aad.set(metadata, length);
  const sealed = await globalThis.crypto.subtle.encrypt(gcm(key.salt, ctr, aad), key.key, source(plaintext));
  const out = new Uint8Array(length + sealed.byteLength);
  out.set(aad.subarray(0, length));
  out.set(new Uint8Array(sealed), length);
  return out;
}

/** The plaintext of an SFrame ciphertext; throws SFrameError for anything it cannot vouch for. */
export async function sframeDecrypt(
  findKey: (kid: bigint) => SFrameKey | undefined,
  metadata: Uint8Array,
  sframeCiphertext: Uint8Array,
): Promise<{ kid: bigint; ctr: bigint; plaintext: Uint8Array }> {
  const { kid, ctr, length } = decodeSFrameHeader(sframeCiphertext);
  if (sframeCiphertext.length - length < TAG_BYTES) throw malformed('SFrame ciphertext shorter than its tag');
  const key = findKey(kid);
  // A key derived for another KID could never authenticate: say so rather than 'auth-failed'.
  if (!key || key.kid !== kid) throw new SFrameError('unknown-key', `no SFrame key for KID ${kid}`);
  const aad = withMetadata(sframeCiphertext.subarray(0, length), metadata);
  let plaintext: ArrayBuffer;
  try {
    plaintext = await globalThis.crypto.subtle.decrypt(
      gcm(key.salt, ctr, aad),
      key.key,
      source(sframeCiphertext.subarray(length)),
    );
  } catch {
    throw new SFrameError('auth-failed', 'SFrame ciphertext failed authentication');
  }
  return { kid, ctr, plaintext: new Uint8Array(plaintext) };
}

function withMetadata(header: Uint8Array, metadata: Uint8Array): Uint8Array {
  if (metadata.length === 0) return header;
  const aad = new Uint8Array(header.length + metadata.length);
  aad.set(header);
  aad.set(metadata, header.length);
  return aad;
}

function gcm(salt: Uint8Array, ctr: bigint, aad: Uint8Array): AesGcmParams {
  return { name: 'AES-GCM', iv: nonce(salt, ctr), additionalData: source(aad), tagLength: TAG_BYTES * 8 };
}

/** salt XOR CTR (big-endian, left-padded to 12 bytes). Fresh per frame: never shared between frames in flight. */
function nonce(salt: Uint8Array, ctr: bigint): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(NONCE_BYTES);
  out.set(salt);
  const view = new DataView(out.buffer);
  // CTR fits in 64 bits (checked with the header), so only the last 8 bytes change.
  view.setUint32(4, view.getUint32(4) ^ Number(ctr >> 32n));
  view.setUint32(8, view.getUint32(8) ^ Number(ctr & 0xffffffffn));
  return out;
}

/**
 * TypeScript's BufferSource excludes views that might be on a SharedArrayBuffer; ours never are
 * (frames and keys are plain ArrayBuffers), and WebCrypto copies its inputs anyway.
 */
function source(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

// ---- Sending ----

/**
 * Our one sending key and its counter. The counter is taken synchronously before any await, so
 * concurrent encrypt() calls never share a CTR, and a key's nonces never repeat.
 */
export class SFrameSender {
  #key: SFrameKey;
  #ctr = 0n;

  constructor(key: SFrameKey) {
    this.#key = key;
  }

  get kid(): bigint {
    return this.#key.kid;
  }

  encrypt(metadata: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    const ctr = this.#ctr;
    if (ctr > MAX_U64) return Promise.reject(new Error('SFrame counter exhausted: rekey first'));
    this.#ctr = ctr + 1n;
    return sframeEncrypt(this.#key, ctr, metadata, plaintext);
  }

  /** Switches to a new key and restarts the counter, since that key has not used any nonce yet. */
  rekey(key: SFrameKey): void {
    // Same KID and salt means the same key material (e.g. an epoch delivered twice): restarting
    // its counter would repeat nonces, so it keeps counting.
    const same = key.kid === this.#key.kid && equalBytes(key.salt, this.#key.salt);
    this.#key = key;
    if (!same) this.#ctr = 0n;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
