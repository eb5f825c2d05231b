import type { RemovalReason, ServerMessage } from '@sotto/protocol';
import type { MemberChannel } from './member.ts';

/** What a member whose socket dropped may have waiting for it (docs/reliability.md). */
export const DETACHED_QUEUE_BYTES = 256 * 1024;

/**
 * Stands in for a member's socket between a drop and its resume: keeps what the room sends, in
 * order, up to DETACHED_QUEUE_BYTES (beyond, `onOverflow`: the member is let go rather than the
 * server buffering without end), and hands it to the new socket on resume.
 */
export class DetachedChannel implements MemberChannel {
  readonly #queue: string[] = [];
  #bytes = 0;
  #overflowed = false;
  readonly #onOverflow: () => void;

  constructor(onOverflow: () => void) {
    this.#onOverflow = onOverflow;
  }

  send(message: ServerMessage): void {
    if (this.#overflowed) return;
    const text = JSON.stringify(message);
    this.#bytes += text.length;
    if (this.#bytes > DETACHED_QUEUE_BYTES) {
      this.#overflowed = true;
      this.#queue.length = 0;
      this.#onOverflow();
      return;
    }
    this.#queue.push(text);
  }

  removed(_reason: RemovalReason): void {
    this.#queue.length = 0;
  }

  /** The queued messages, oldest first (and forgets them). */
  drain(): ServerMessage[] {
    const out = this.#queue.map((text) => JSON.parse(text) as ServerMessage);
    this.#queue.length = 0;
    this.#bytes = 0;
    return out;
  }
}
