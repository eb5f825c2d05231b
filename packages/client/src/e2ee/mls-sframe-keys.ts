/**
 * SFrame keys from MLS (RFC 9605 §5.2). Each epoch, every member exports the same base_key:
 *
 *   base_key = MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)
 *
 * Senders are told apart by their KID alone, which carries the sender's leaf index and the low
 * bits of the epoch; §4.4.2 mixes the KID into each sender's key and salt, so no two members ever
 * encrypt under the same key and nonce.
 */

/** The exporter label of §5.2 (19 ASCII bytes, no trailing space). */
export const SFRAME_EXPORTER_LABEL = 'SFrame 1.0 Base Key';
/** §5.2 exports AEAD.Nk bytes: 16 for AES_128_GCM_SHA256_128. */
export const SFRAME_EXPORTER_LENGTH = 16;

const MAX_LEAF_INDEX = 0xffff_ffff; // MLS leaf indices are uint32 (RFC 9420).
const MAX_U64 = (1n << 64n) - 1n;

/**
 * The base_key that `leafIndex`'s SFrame key is derived from (with deriveSFrameKey and its KID).
 * In RFC 9605 that is the epoch's exporter output itself, for every sender: the per-sender
 * HKDF-Expand(epoch secret, index) of draft-ietf-sframe-enc-01 was dropped in -02. A copy, so the
 * caller may wipe its epoch secret while a derivation is still pending.
 */
export async function senderBaseKey(epochSecret: Uint8Array, leafIndex: number): Promise<Uint8Array> {
  checkLeafIndex(leafIndex);
  return epochSecret.slice();
}

/**
 * KID = (context << (S + E)) + (sender_index << E) + (epoch mod 2^E) (§5.2), always with
 * context 0: the shortest header, and then S (the index width) does not change the layout.
 */
export function makeKid(leafIndex: number, epoch: bigint | number, epochBits = 4): bigint {
  checkLeafIndex(leafIndex);
  checkEpochBits(epochBits);
  const e = BigInt(epochBits);
  return (BigInt(leafIndex) << e) | (toEpoch(epoch) & ((1n << e) - 1n));
}

/**
 * The sender's leaf index and epoch bits of any 64-bit KID. Never throws for one read off the
 * wire: a KID no member uses yields a leaf index that no member has (possibly beyond uint32, and
 * inexact beyond 2^53), which the caller treats as unknown.
 */
export function parseKid(kid: bigint, epochBits = 4): { leafIndex: number; epochLow: number } {
  checkEpochBits(epochBits);
  if (kid < 0n || kid > MAX_U64) throw new RangeError('KID must be in 0..2^64-1');
  const e = BigInt(epochBits);
  return { leafIndex: Number(kid >> e), epochLow: Number(kid & ((1n << e) - 1n)) };
}

function checkLeafIndex(leafIndex: number): void {
  if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex > MAX_LEAF_INDEX) {
    throw new RangeError(`leaf index must be an integer in 0..${MAX_LEAF_INDEX}`);
  }
}

/** Up to 32 epoch bits, so that a uint32 leaf index always fits in the 64-bit KID. */
function checkEpochBits(epochBits: number): void {
  if (!Number.isInteger(epochBits) || epochBits < 0 || epochBits > 32)
    throw new RangeError('epochBits must be an integer in 0..32');
}

function toEpoch(epoch: bigint | number): bigint {
  if (typeof epoch === 'number' && !Number.isSafeInteger(epoch)) throw new RangeError('epoch must be a safe integer or a bigint');
  const value = BigInt(epoch);
  if (value < 0n || value > MAX_U64) throw new RangeError('epoch must be in 0..2^64-1');
  return value;
}
