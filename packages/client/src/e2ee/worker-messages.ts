import type { FrameKind } from './frame-crypto.ts';
import type { EpochMember } from './media-key-ring.ts';

/** Counters of the E2EE worker, for the UI's diagnostics and for tests. */
export interface E2eeFrameStats {
  /** Frames sent encrypted. */
  encrypted: number;
  /** Received frames decrypted and passed to the decoder. */
  decrypted: number;
  /** Frames to send dropped because we had no key yet. */
  dropped: number;
  /** Frames to send dropped because sending was not allowed (the group did not match the roster). */
  withheld: number;
  /** Received frames that could not be decrypted (no key, wrong key, clear, forged). */
  failed: number;
  /** Received frames from another member than their receiver was bound to (or an unbound one). */
  wrongSender: number;
  /** Received frames whose counter was already accepted, or too old (RFC 9605 §9.3). */
  replayed: number;
  /** Key frames asked for after video was dropped on a receiver (key-frame-recovery.ts). */
  keyFrameRequests: number;
  /** Senders and receivers whose frames pass through the worker. */
  senders: number;
  receivers: number;
}

/**
 * What each transform does: the options of an RTCRtpScriptTransform, and the 'streams' message.
 * A receiver's id is how 'bind' names it.
 */
export type TransformOptions =
  | { operation: 'encrypt'; kind: FrameKind }
  | { operation: 'decrypt'; kind: FrameKind; receiverId: number };

/** Messages from the page to the E2EE worker. */
export type WorkerRequest =
  | { type: 'epoch'; epoch: bigint; secret: Uint8Array; ownLeafIndex: number; members: EpochMember[] }
  | ({ type: 'streams'; readable: ReadableStream; writable: WritableStream } & TransformOptions)
  /** The member whose frames a receiver may carry; null: nobody's. */
  | { type: 'bind'; receiverId: number; memberId: string | null }
  /** Whether frames may be sent at all; while not, they are dropped before encryption. */
  | { type: 'sending'; allowed: boolean }
  | { type: 'stats'; id: number }
  | { type: 'clear' };
