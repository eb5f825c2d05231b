import { randomUUID } from 'node:crypto';

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
  /** Janus extensions: our SDP carries all candidates; simulcast rids listed low to high. */
  trickle?: boolean;
  rid_order?: 'hml' | 'lmh';
}

/** A plugin's answer to a request: its data, and a JSEP offer or answer when it sent one. */
export interface PluginEvent {
  data: Record<string, unknown>;
  jsep?: Jsep;
}

interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: Jsep;
}

const LONG_POLL_EVENTS = 10;

async function post(url: string, body: Record<string, unknown>): Promise<JanusMessage> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, transaction: body.transaction ?? randomUUID() }),
  });
  if (!response.ok) throw new Error(`Janus API ${url}: HTTP ${response.status}`);
  const message = (await response.json()) as JanusMessage;
  if (message.janus === 'error') throw new Error(`Janus API: ${message.error?.reason ?? 'error'} (${message.error?.code})`);
  return message;
}

/**
 * A Janus API session over plain HTTP: requests are POSTs, and a long-poll GET on the session
 * brings events (asynchronous plugin replies, keepalives). The long poll also keeps the session
 * alive, so no separate keepalive is needed.
 */
export class JanusSession {
  readonly id: number;
  readonly #url: string;
  readonly #handles = new Map<number, JanusHandle>();
  readonly #abort = new AbortController();
  #closed = false;

  private constructor(apiUrl: string, id: number) {
    this.id = id;
    this.#url = `${apiUrl}/${id}`;
    this.#poll();
  }

  static async create(apiUrl: string): Promise<JanusSession> {
    const created = await post(apiUrl, { janus: 'create' });
    return new JanusSession(apiUrl, created.data?.id as number);
  }

  async attach(plugin: string): Promise<JanusHandle> {
    const attached = await post(this.#url, { janus: 'attach', plugin });
    const handle = new JanusHandle(`${this.#url}/${attached.data?.id}`, attached.data?.id as number);
    this.#handles.set(handle.id, handle);
    return handle;
  }

  async #poll(): Promise<void> {
    while (!this.#closed) {
      try {
        const response = await fetch(`${this.#url}?maxev=${LONG_POLL_EVENTS}`, { signal: this.#abort.signal });
        const body = (await response.json()) as JanusMessage | JanusMessage[];
        for (const message of Array.isArray(body) ? body : [body]) {
          if (message.sender !== undefined) this.#handles.get(message.sender)?.dispatch(message);
        }
      } catch {
        if (this.#closed) return;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Destroys the session (and its handles and peer connections on the Janus side). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort();
    await post(this.#url, { janus: 'destroy' }).catch(() => {});
  }
}

/** One plugin handle: plugin requests, and the plugin's asynchronous events. */
export class JanusHandle {
  readonly id: number;
  readonly #url: string;
  readonly #waiting = new Map<string, { resolve: (e: PluginEvent) => void; reject: (e: Error) => void }>();
  /** Core events seen on this handle (e.g. "webrtcup", "media", "hangup"). */
  readonly #seen = new Set<string>();
  readonly #seenListeners = new Set<() => void>();

  constructor(url: string, id: number) {
    this.#url = url;
    this.id = id;
  }

  /**
   * Sends a plugin request and resolves with the plugin's reply: at once for synchronous requests,
   * else with the event that carries the same transaction. A plugin error rejects.
   */
  async request(body: Record<string, unknown>, jsep?: Jsep, timeoutMs = 10_000): Promise<PluginEvent> {
    const transaction = randomUUID();
    const event = new Promise<PluginEvent>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(transaction);
        reject(new Error(`Janus did not answer "${body.request}" in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(transaction, {
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
    let reply: JanusMessage;
    try {
      reply = await post(this.#url, { janus: 'message', transaction, body, ...(jsep ? { jsep } : {}) });
    } catch (error) {
      const waiting = this.#waiting.get(transaction);
      this.#waiting.delete(transaction);
      waiting?.reject(error as Error);
      return event;
    }
    if (reply.janus === 'success') this.dispatch(reply);
    return event;
  }

  /** Resolves once Janus reported core event `name` on this handle (e.g. "webrtcup"). */
  waitFor(name: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!this.#seen.has(name)) return;
        clearTimeout(timer);
        this.#seenListeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#seenListeners.delete(check);
        reject(new Error(`Janus reported no "${name}" in ${timeoutMs} ms`));
      }, timeoutMs);
      this.#seenListeners.add(check);
      check();
    });
  }

  /** A message for this handle from the long poll (or a synchronous reply). */
  dispatch(message: JanusMessage): void {
    if (message.janus !== 'event' && message.janus !== 'success') {
      this.#seen.add(message.janus);
      for (const listener of [...this.#seenListeners]) listener();
      return;
    }
    if (!message.transaction || !message.plugindata) return;
    const waiting = this.#waiting.get(message.transaction);
    if (!waiting) return;
    this.#waiting.delete(message.transaction);
    const data = message.plugindata.data;
    if (typeof data.error === 'string') waiting.reject(new Error(`Janus videoroom: ${data.error} (${data.error_code})`));
    else waiting.resolve({ data, ...(message.jsep ? { jsep: message.jsep } : {}) });
  }
}
