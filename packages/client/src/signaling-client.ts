import type { ClientRequest, ResultOf, ServerMessage } from '@sotto/protocol';
import { PROTOCOL_VERSION, parseServerMessage, RequestCorrelator, RequestError } from '@sotto/protocol';
import { Emitter } from './emitter.ts';

export { RequestError };

export type ServerEvent = Exclude<ServerMessage, { type: 'ok' } | { type: 'error' }>;

export interface SignalingEvents {
  event: [ServerEvent];
  /** The socket closed without `close()` being called. */
  closed: [{ code: number; reason: string }];
}

/** What the parts of a meeting need from signaling: requests (SignalingClient, SignalingLink). */
export interface SignalingRequester {
  request<R extends ClientRequest>(message: R): Promise<ResultOf<R['type']>>;
}

/** The signaling socket: hello, requests matched to replies by id, and validated events. */
export class SignalingClient extends Emitter<SignalingEvents> implements SignalingRequester {
  readonly #ws: WebSocket;
  readonly #requests: RequestCorrelator;
  #closedByUs = false;

  private constructor(ws: WebSocket) {
    super();
    this.#ws = ws;
    this.#requests = new RequestCorrelator((frame) => {
      if (ws.readyState !== WebSocket.OPEN) throw new Error('not connected to the server');
      ws.send(frame);
    });
    ws.onmessage = (e) => this.#onMessage(e.data);
    ws.onclose = (e) => {
      this.#requests.failAll(new Error('the connection to the server closed'));
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

  /** Sends a request and resolves with the reply's validated `result`, or rejects with a RequestError. */
  request<R extends ClientRequest>(message: R): Promise<ResultOf<R['type']>> {
    return this.#requests.request(message);
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
      if (!this.#requests.settle(message) && message.type === 'error') {
        console.warn(`server error: ${message.code}: ${message.message}`);
      }
      return;
    }
    this.emit('event', message);
  }

  close(): void {
    this.#closedByUs = true;
    this.#ws.close(1000, 'bye');
  }
}
