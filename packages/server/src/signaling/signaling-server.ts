import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, MAX_FRAME_BYTES } from '@sotto/protocol';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import type { ConferenceService } from '../conference/conference-service.ts';
import type { AdmissionOptions } from './admission.ts';
import { Admission } from './admission.ts';
import { sendBounded } from './bounded-send.ts';
import type { SessionOptions } from './session.ts';
import { Session } from './session.ts';

export const SIGNALING_PATH = '/ws';
const HEARTBEAT_MS = 4000;

const HTTP_STATUS_TEXT = { 403: 'Forbidden', 503: 'Service Unavailable' } as const;

/**
 * The WebSocket endpoint: one Session per socket, frames capped at MAX_FRAME_BYTES (bigger ones
 * close the socket with 1009), and a heartbeat that drops sockets which stop answering pings.
 */
export class SignalingServer {
  readonly #wss: WebSocketServer;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #alive = new WeakMap<WebSocket, boolean>();
  readonly #admission: Admission;
  #stopping = false;

  constructor(http: Server, conference: ConferenceService, options: SessionOptions & AdmissionOptions) {
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
    this.#admission = new Admission(options);
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => {}); // a peer resetting mid-handshake must not throw
      const path = (request.url ?? '').split('?')[0];
      if (path !== SIGNALING_PATH) {
        socket.destroy();
        return;
      }
      if (this.#stopping) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const admitted = this.#admission.admit(request);
      if (!admitted.ok) {
        socket.end(
          `HTTP/1.1 ${admitted.status} ${HTTP_STATUS_TEXT[admitted.status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
        );
        return;
      }
      socket.once('close', admitted.release);
      this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, conference, options));
    });
    this.#heartbeat = setInterval(() => this.#beat(), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  #accept(ws: WebSocket, conference: ConferenceService, options: SessionOptions): void {
    const session: Session = new Session(
      {
        send: (text) => {
          if (!sendBounded(ws, text)) session.close(CLOSE_CODES.tooSlow, 'too much waiting to be sent', 'too-slow');
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
    ws.on('close', (code) => session.onSocketClosed(code));
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

  /** No new sockets from now on (the server is stopping). */
  stopAdmitting(): void {
    this.#stopping = true;
  }

  close(): void {
    this.#stopping = true;
    clearInterval(this.#heartbeat);
    for (const ws of this.#wss.clients) ws.close(CLOSE_CODES.serviceRestart, 'server shutting down');
    this.#wss.close();
  }
}
