import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, MAX_FRAME_BYTES } from '@sotto/protocol';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import type { ConferenceService } from '../conference/conference-service.ts';
import type { SessionOptions } from './session.ts';
import { Session } from './session.ts';

export const SIGNALING_PATH = '/ws';
const HEARTBEAT_MS = 4000;

/**
 * The WebSocket endpoint: one Session per socket, frames capped at MAX_FRAME_BYTES (bigger ones
 * close the socket with 1009), and a heartbeat that drops sockets which stop answering pings.
 */
export class SignalingServer {
  readonly #wss: WebSocketServer;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #alive = new WeakMap<WebSocket, boolean>();

  constructor(http: Server, conference: ConferenceService, options: SessionOptions) {
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== SIGNALING_PATH) {
        socket.destroy();
        return;
      }
      this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, conference, options));
    });
    this.#heartbeat = setInterval(() => this.#beat(), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  #accept(ws: WebSocket, conference: ConferenceService, options: SessionOptions): void {
    const session = new Session(
      {
        send: (text) => {
          if (ws.readyState === ws.OPEN) ws.send(text);
        },
        close: (code, reason) => ws.close(code, reason),
      },
      conference,
      options,
    );
    this.#alive.set(ws, true);
    ws.on('pong', () => this.#alive.set(ws, true));
    ws.on('message', (data, isBinary) => {
      if (isBinary) session.onBinary();
      else session.onText(data.toString());
    });
    ws.on('close', () => session.onSocketClosed());
    ws.on('error', () => {
      // 'close' follows (e.g. after a frame over maxPayload, which ws answers with 1009).
    });
  }

  #beat(): void {
    for (const ws of this.#wss.clients) {
      if (this.#alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      this.#alive.set(ws, false);
      ws.ping();
    }
  }

  get clientCount(): number {
    return this.#wss.clients.size;
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const ws of this.#wss.clients) ws.close(CLOSE_CODES.normal, 'server shutting down');
    this.#wss.close();
  }
}
