import type { MediaKeyRing } from './media-key-ring.ts';
import { decodeSFrameHeader, SFrameError, sframeDecrypt } from './sframe.ts';

export type FrameKind = 'audio' | 'video';

/**
 * Bytes left in the clear at the start of each frame, so the SFU can still route (docs/e2ee.md):
 * VP8's payload header — 10 bytes on key frames (key-frame flag, start code, width and height:
 * the SFU picks layers by them), 3 on delta frames; Opus: the 1-byte TOC. They are authenticated
 * as SFrame metadata, so nobody can alter them unnoticed.
 */
export function clearPrefixLength(kind: FrameKind, frame: Uint8Array): number {
  if (frame.length === 0) return 0;
  if (kind === 'audio') return 1;
  // RFC 6386 §9.1: bit 0 of the first byte is 0 on a key frame.
  return ((frame[0] as number) & 1) === 0 ? 10 : 3;
}

/** A VP8 key frame (the SFU keeps this bit in the clear, and so does the receiver's check). */
export function isKeyFrame(kind: FrameKind, frame: Uint8Array): boolean {
  return kind === 'video' && frame.length > 0 && ((frame[0] as number) & 1) === 0;
}

/** prefix || SFrame(header || ciphertext || tag), or null when we have no key yet (drop it). */
export async function encryptFrame(ring: MediaKeyRing, kind: FrameKind, frame: Uint8Array): Promise<Uint8Array | null> {
  const sender = ring.sender;
  const prefixLength = clearPrefixLength(kind, frame);
  // No key yet, or a frame too short to be real VP8 (the receiver could not find its header).
  if (!sender || frame.length === 0 || frame.length < prefixLength) return null;
  const prefix = frame.subarray(0, prefixLength);
  const sealed = await sender.encrypt(prefix, frame.subarray(prefixLength));
  const out = new Uint8Array(prefixLength + sealed.length);
  out.set(prefix);
  out.set(sealed, prefixLength);
  return out;
}

/** The KID a protected frame claims, or null if it is not one (for waiting on a future epoch). */
export function frameKid(kind: FrameKind, data: Uint8Array): bigint | null {
  return frameHeader(kind, data)?.kid ?? null;
}

/**
 * The original frame; throws SFrameError when it is not ours to read (no key, forged, clear), when
 * its KID is not `expectedSender`'s (a server passing one member's media off as another's), or
 * when its counter was accepted before (a replay).
 */
export async function decryptFrame(
  ring: MediaKeyRing,
  kind: FrameKind,
  data: Uint8Array,
  expectedSender?: string,
): Promise<Uint8Array> {
  const prefixLength = clearPrefixLength(kind, data);
  const prefix = data.subarray(0, prefixLength);
  const sealed = data.subarray(prefixLength);
  const header = frameHeader(kind, data);
  if (header === null) throw new SFrameError('malformed', 'not an SFrame-protected frame');
  const sender = ring.senderOf(header.kid);
  if (sender === undefined) throw new SFrameError('unknown-key', 'no key for this frame');
  // Checked before any key work. The KID is authenticated with the frame, so a frame that decrypts
  // is its KID's sender's, whichever receive slot the server delivered it on.
  if (expectedSender !== undefined && sender !== expectedSender) {
    throw new SFrameError('wrong-sender', 'frame from another member than this receiver carries');
  }
  const pendingKey = ring.keyFor(header.kid);
  const replay = ring.replayWindow(header.kid);
  if (!pendingKey || !replay) throw new SFrameError('unknown-key', 'no key for this frame');
  if (!replay.check(header.ctr)) throw new SFrameError('replayed', 'frame counter already used');
  const key = await pendingKey;
  const { plaintext } = await sframeDecrypt(() => key, prefix, sealed);
  // Only an authenticated frame uses up its counter; a copy that raced this one loses here.
  if (!replay.commit(header.ctr)) throw new SFrameError('replayed', 'frame counter already used');
  const out = new Uint8Array(prefixLength + plaintext.length);
  out.set(prefix);
  out.set(plaintext, prefixLength);
  return out;
}

function frameHeader(kind: FrameKind, data: Uint8Array): { kid: bigint; ctr: bigint } | null {
  const prefixLength = clearPrefixLength(kind, data);
  if (prefixLength === 0 || data.length <= prefixLength) return null;
  try {
    return decodeSFrameHeader(data, prefixLength);
  } catch {
    return null;
  }
}
