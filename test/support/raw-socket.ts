import WebSocket from 'ws';

/** A bare signaling socket for throwing arbitrary frames at the server. */
export class RawSocket {
  readonly ws: WebSocket;
  readonly messages: Array<Record<string, unknown>> = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => this.messages.push(JSON.parse(data.toString())));
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
    ws.on('error', () => {});
  }

  static async open(serverUrl: string): Promise<RawSocket> {
    const ws = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}/ws`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawSocket(ws);
  }

  send(frame: string | Buffer | Record<string, unknown>): void {
    this.ws.send(typeof frame === 'object' && !Buffer.isBuffer(frame) ? JSON.stringify(frame) : frame);
  }

  /** Resolves with the next message (after those already seen) that matches. */
  async next(match: (m: Record<string, unknown>) => boolean = () => true, timeoutMs = 3000): Promise<Record<string, unknown>> {
    const start = this.messages.length;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(start).find(match);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no matching message; got ${JSON.stringify(this.messages.slice(start)).slice(0, 300)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends a request and resolves with its reply (ok or error). */
  async request(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    const start = this.messages.length;
    this.send(message);
    const deadline = Date.now() + 5000;
    for (;;) {
      const reply = this.messages.slice(start).find((m) => m.id === message.id && (m.type === 'ok' || m.type === 'error'));
      if (reply) return reply;
      if (Date.now() > deadline) throw new Error(`no reply to ${JSON.stringify(message).slice(0, 100)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async waitClosed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.closed;
  }
}
