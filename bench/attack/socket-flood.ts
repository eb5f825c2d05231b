import { PROTOCOL_VERSION } from '@sotto/protocol';
import WebSocket from 'ws';

export interface SocketFloodOptions {
  /** Server base URL, e.g. http://127.0.0.1:8080 */
  serverUrl: string;
  /** Sockets the attacker tries to hold open at once. */
  sockets: number;
  /**
   * Source addresses to spread them over (127.0.0.2, 127.0.0.3, … — all of 127/8 is loopback on
   * Linux): a botnet, so that the per-address cap does not stop the attack on its own.
   */
  addresses: number;
}

export interface SocketFloodStats {
  /** Upgrades the server accepted. */
  opened: number;
  /** Upgrades the server refused (its caps). */
  refused: number;
  /** Open sockets the server closed (deadlines, busy). */
  closedByServer: number;
  /** Sockets open at the end. */
  open: number;
}

/**
 * An attacker who opens as many signaling sockets as it can and keeps them: half never say
 * hello (the hello deadline must reap them), half say hello and join a room of their own
 * (which creates rooms until the server's room cap). Each socket the server closes is opened
 * again after a second.
 */
export class SocketFlood {
  readonly #options: SocketFloodOptions;
  readonly #sockets = new Set<WebSocket>();
  readonly stats: SocketFloodStats = { opened: 0, refused: 0, closedByServer: 0, open: 0 };
  #stopped = false;

  constructor(options: SocketFloodOptions) {
    this.#options = options;
  }

  /** Opens the sockets, a few at a time (a burst of thousands would mostly measure the bots' own process). */
  async start(): Promise<void> {
    for (let i = 0; i < this.#options.sockets && !this.#stopped; i++) {
      this.#open(i);
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 20));
    }
  }

  #open(index: number): void {
    if (this.#stopped) return;
    const localAddress = `127.0.0.${2 + (index % this.#options.addresses)}`;
    const ws = new WebSocket(`${this.#options.serverUrl.replace(/^http/, 'ws')}/ws`, { localAddress });
    let opened = false;
    let retried = false;
    const retry = () => {
      if (retried || this.#stopped) return;
      retried = true;
      setTimeout(() => this.#open(index), 1000);
    };
    ws.on('open', () => {
      opened = true;
      this.stats.opened++;
      this.#sockets.add(ws);
      if (index % 2 === 1) {
        ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, id: 1 }));
        ws.send(JSON.stringify({ type: 'join', room: `flood-${index}`, name: 'x', id: 2 }));
      }
    });
    ws.on('unexpected-response', () => {
      this.stats.refused++;
      ws.terminate();
      retry();
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      this.#sockets.delete(ws);
      if (this.#stopped) return;
      if (opened) this.stats.closedByServer++;
      retry();
    });
  }

  stop(): SocketFloodStats {
    if (this.#stopped) return this.stats;
    this.#stopped = true;
    this.stats.open = this.#sockets.size;
    for (const ws of this.#sockets) ws.terminate();
    this.#sockets.clear();
    return this.stats;
  }
}
