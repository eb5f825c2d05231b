import type { FrameKind } from './frame-crypto.ts';

/** Counters of the E2EE worker, for the UI's diagnostics and for tests. */
export interface E2eeFrameStats {
  /** Frames sent encrypted. */
  encrypted: number;
  /** Received frames decrypted and passed to the decoder. */
  decrypted: number;
  /** Frames to send dropped because we had no key yet. */
  dropped: number;
  /** Received frames that could not be decrypted (no key, wrong key, clear, forged). */
  failed: number;
  /** Senders and receivers whose frames pass through the worker. */
  senders: number;
  receivers: number;
}

/** Messages from the page to the E2EE worker. */
export type WorkerRequest =
  | { type: 'epoch'; epoch: bigint; secret: Uint8Array; ownLeafIndex: number; memberLeaves: number[] }
  | {
      type: 'streams';
      readable: ReadableStream;
      writable: WritableStream;
      operation: 'encrypt' | 'decrypt';
      kind: FrameKind;
    }
  | { type: 'stats'; id: number }
  | { type: 'clear' };
