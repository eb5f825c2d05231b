/**
 * The bytes of a message sealed for one member (mls-group.ts `sealFor`): HPKE's encapsulated key
 * and ciphertext, and the context both are bound to.
 */

/** enc length (u16) || enc || ct. */
export function encodeSealed(enc: Uint8Array, ct: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + enc.length + ct.length);
  new DataView(out.buffer).setUint16(0, enc.length);
  out.set(enc, 2);
  out.set(ct, 2 + enc.length);
  return out;
}

/** The parts of `encodeSealed`'s output; null if the bytes cannot be one. */
export function decodeSealed(sealed: Uint8Array): { enc: Uint8Array; ct: Uint8Array } | null {
  if (sealed.length < 2) return null;
  const encLength = new DataView(sealed.buffer, sealed.byteOffset, sealed.byteLength).getUint16(0);
  if (sealed.length < 2 + encLength) return null;
  return { enc: sealed.subarray(2, 2 + encLength), ct: sealed.subarray(2 + encLength) };
}

/** What a sealed message is bound to: the epoch, the sender's leaf and the recipient's. */
export function sealContext(epoch: bigint, from: number, to: number): Uint8Array {
  const context = new Uint8Array(16);
  const view = new DataView(context.buffer);
  view.setBigUint64(0, epoch);
  view.setUint32(8, from);
  view.setUint32(12, to);
  return context;
}

/**
 * Application data for one member only: a 0x00 byte (other application data is JSON, which
 * starts with `{`), the recipient's leaf (u32), and the message sealed for it.
 */
export function wrapPrivate(toLeaf: number, sealed: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + sealed.length);
  new DataView(out.buffer).setUint32(1, toLeaf);
  out.set(sealed, 5);
  return out;
}

/** The recipient and sealed bytes of `wrapPrivate`'s output; null for other application data. */
export function unwrapPrivate(data: Uint8Array): { toLeaf: number; sealed: Uint8Array } | null {
  if (data.length < 5 || data[0] !== 0x00) return null;
  return { toLeaf: new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1), sealed: data.subarray(5) };
}
