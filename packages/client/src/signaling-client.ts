import type { ErrorCode, ServerMessage } from '@sotto/protocol';
import { PROTOCOL_VERSION, parseServerMessage } from '@sotto/protocol';
import { Emitter } from './emitter.ts';

export type ServerEvent = Exclude<ServerMessage, { type: 'ok' } | { type: 'error' }>;

export interface SignalingEvents {
  event: [ServerEvent];
  /** The socket closed without `close()` being called. */
  closed: [{ code: number; reason: string }];
}

/** What the parts of a meeting need from signaling: requests (SignalingClient, SignalingLink). */
export interface SignalingRequester {
  request(message: Record<string, unknown> & { type: string }): Promise<unknown>;
}

/** A request the server refused; `code` is the protocol's stable error code. */
export class RequestError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const REQUEST_TIMEOUT_MS = 15000;

/** The signaling socket: hello, requests matched to replies by id, and validated events. */
export class SignalingClient extends Emitter<SignalingEvents> {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #closedByUs = false;

  private constructor(ws: WebSocket) {
    super();
    this.#ws = ws;
    ws.onmessage = (e) => this.#onMessage(e.data);
    ws.onclose = (e) => {
      for (const { reject } of this.#pending.values()) reject(new Error('the connection to the server closed'));
      this.#pending.clear();
      if (!this.#closedByUs) this.emit('closed', { code: e.code, reason: e.reason });
    };
  }

  /** Opens the socket at `url` (ws: or wss:) and completes the hello exchange. */
  static async connect(url: string): Promise<SignalingClient> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error('could not reach the server'));
    });
    const client = new SignalingClient(ws);
    await client.request({ type: 'hello', protocol: PROTOCOL_VERSION });
    return client;
  }

  /** Sends a request and resolves with the reply's `result`, or rejects with a RequestError. */
  request(message: Record<string, unknown> & { type: string }): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the server did not answer ${message.type}`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      if (this.#ws.readyState !== WebSocket.OPEN) {
        this.#pending.delete(id);
        clearTimeout(timer);
        reject(new Error('not connected to the server'));
        return;
      }
      this.#ws.send(JSON.stringify({ ...message, id }));
    });
  }

  #onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    const parsed = parseServerMessage(data);
    if (!parsed.ok) {
      console.warn('ignoring an invalid message from the server:', parsed.message);
      return;
    }
    const message = parsed.message;
    if (message.type === 'ok' || message.type === 'error') {
      const pending = message.id === null ? undefined : this.#pending.get(message.id);
      if (!pending) {
        if (message.type === 'error') console.warn(`server error: ${message.code}: ${message.message}`);
        return;
      }
      this.#pending.delete(message.id as number);
      if (message.type === 'ok') pending.resolve(message.result);
      else pending.reject(new RequestError(message.code, message.message));
      return;
    }
    this.emit('event', message);
  }

  close(): void {
    this.#closedByUs = true;
    this.#ws.close(1000, 'bye');
  }
}
