/**
 * Bytes waiting to be sent to one socket before we give up on it (docs/reliability.md): sixteen of
 * the largest frames. A client that stops reading must not make the server buffer without end.
 */
export const MAX_QUEUED_BYTES = 1024 * 1024;

/** The parts of a `ws` WebSocket this needs. */
export interface QueueingSocket {
  readonly readyState: number;
  readonly OPEN: number;
  readonly bufferedAmount: number;
  send(text: string): void;
}

/**
 * Sends `text` unless that would leave more than `limit` bytes queued for a client that is not
 * reading; returns false then (the caller drops the client). Nothing is sent on a closed socket.
 */
export function sendBounded(ws: QueueingSocket, text: string, limit = MAX_QUEUED_BYTES): boolean {
  if (ws.readyState !== ws.OPEN) return true;
  if (ws.bufferedAmount + Buffer.byteLength(text) > limit) return false;
  ws.send(text);
  return true;
}
