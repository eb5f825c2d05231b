import type { ClientRequest, ResultOf, ResumeResult } from '@sotto/protocol';
import { Emitter } from './emitter.ts';
import type { ServerEvent, SignalingRequester } from './signaling-client.ts';
import { RequestError, SignalingClient } from './signaling-client.ts';

/** How long the link keeps trying to get a socket back before it gives up. */
export const RECONNECT_DEADLINE_MS = 30_000;
/** Waits between attempts: quick at first (a blip), then every 2 s (a server restarting). */
const BACKOFF_MS = [0, 250, 500, 1000, 2000];

export interface SignalingLinkEvents {
  event: [ServerEvent];
  /** The socket dropped; the link is getting a new one. */
  reconnecting: [];
  /** A new socket took the membership back (same member id, queued events follow). */
  resumed: [ResumeResult];
  /** A new socket is up, but the server no longer holds our membership: join again. */
  expired: [];
  /** No socket could be had within RECONNECT_DEADLINE_MS. */
  lost: [];
}

/**
 * The signaling a meeting keeps across socket drops: the same `request` and events over whichever
 * socket is current. When the socket drops without our asking, the link opens a new one and
 * resumes the membership with the join's resume token; requests made meanwhile wait for it.
 */
export class SignalingLink extends Emitter<SignalingLinkEvents> implements SignalingRequester {
  readonly #url: string;
  #client: SignalingClient | null;
  #resumeToken: string | null = null;
  #closed = false;
  #reconnecting: Promise<void> | null = null;

  private constructor(url: string, client: SignalingClient) {
    super();
    this.#url = url;
    this.#client = client;
    this.#watch(client);
  }

  /** Connects to the signaling of the server at `serverUrl` (its http: or https: base URL). */
  static async connect(serverUrl: string): Promise<SignalingLink> {
    const url = signalingUrl(serverUrl);
    return new SignalingLink(url, await SignalingClient.connect(url));
  }

  /** The token of our current membership (from the join reply); null: nothing to resume. */
  set resumeToken(token: string | null) {
    this.#resumeToken = token;
  }

  get connected(): boolean {
    return this.#client !== null;
  }

  /** Sends a request on the current socket, waiting for one while the link reconnects. */
  async request<R extends ClientRequest>(message: R): Promise<ResultOf<R['type']>> {
    if (!this.#client && this.#reconnecting) await this.#reconnecting;
    if (!this.#client) throw new Error('not connected to the server');
    return this.#client.request(message);
  }

  /** Resolves once a socket is up (at once if one is). */
  async ready(): Promise<void> {
    if (!this.#client && this.#reconnecting) await this.#reconnecting;
    if (!this.#client) throw new Error('not connected to the server');
  }

  close(): void {
    this.#closed = true;
    this.#client?.close();
    this.#client = null;
  }

  #watch(client: SignalingClient): void {
    client.on('event', (event) => {
      if (client === this.#client) this.emit('event', event);
    });
    client.on('closed', () => {
      if (client !== this.#client || this.#closed) return;
      this.#client = null;
      this.emit('reconnecting');
      this.#reconnecting ??= this.#reconnect().finally(() => {
        this.#reconnecting = null;
      });
    });
  }

  async #reconnect(): Promise<void> {
    const deadline = performance.now() + RECONNECT_DEADLINE_MS;
    for (let attempt = 0; !this.#closed && performance.now() < deadline; attempt++) {
      await new Promise((r) => setTimeout(r, BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]));
      let client: SignalingClient;
      try {
        client = await SignalingClient.connect(this.#url);
      } catch {
        continue; // the server is not back yet
      }
      if (this.#closed) {
        client.close();
        return;
      }
      const token = this.#resumeToken;
      let resumed: ResumeResult | null = null;
      if (token) {
        try {
          resumed = await client.request({ type: 'resume', token });
        } catch (error) {
          if (!(error instanceof RequestError)) {
            client.close();
            continue; // the socket died again: try once more
          }
          this.#resumeToken = null; // the server does not know us (any more)
        }
      }
      this.#client = client;
      this.#watch(client);
      if (resumed) this.emit('resumed', resumed);
      else this.emit('expired');
      return;
    }
    if (!this.#closed) this.emit('lost');
  }
}

/** The signaling socket's URL of the server at `serverUrl` (ws: for http:, wss: for https:). */
export function signalingUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = '/ws';
  return url.toString();
}
