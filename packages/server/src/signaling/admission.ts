import type { IncomingMessage } from 'node:http';

export interface AdmissionOptions {
  /** Sockets open at once, over everyone. */
  maxSockets: number;
  /** Sockets open at once from one address (behind a reverse proxy: from the proxy). */
  maxSocketsPerAddress: number;
  /**
   * Page origins besides the server's own whose scripts may open a signaling socket (apps built on
   * the SDK elsewhere), e.g. `https://app.example.org`.
   */
  allowedOrigins: readonly string[];
}

export type AdmissionResult = { ok: true; release: () => void } | { ok: false; status: 403 | 503; reason: string };

/**
 * Who may open a signaling socket, decided before the WebSocket handshake (docs/reliability.md):
 * pages of this server (or of an allowed origin) only — a browser always sends `Origin`, so
 * another site's page cannot drive a meeting with its visitor's browser — and no more sockets per
 * address or in total than the limits. Addresses are counted in memory only, never logged.
 */
export class Admission {
  readonly #options: AdmissionOptions;
  readonly #allowed: ReadonlySet<string>;
  readonly #perAddress = new Map<string, number>();
  #total = 0;

  constructor(options: AdmissionOptions) {
    this.#options = options;
    this.#allowed = new Set(options.allowedOrigins.map(originOf).filter((o): o is string => o !== null));
  }

  get total(): number {
    return this.#total;
  }

  admit(request: IncomingMessage): AdmissionResult {
    const origin = request.headers.origin;
    if (origin !== undefined && !this.#originAllowed(origin, request.headers.host)) {
      return { ok: false, status: 403, reason: 'origin not allowed' };
    }
    const address = request.socket.remoteAddress ?? 'unknown';
    const fromAddress = this.#perAddress.get(address) ?? 0;
    if (this.#total >= this.#options.maxSockets || fromAddress >= this.#options.maxSocketsPerAddress) {
      return { ok: false, status: 503, reason: 'too many connections' };
    }
    this.#total++;
    this.#perAddress.set(address, fromAddress + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#total--;
        const left = (this.#perAddress.get(address) ?? 1) - 1;
        if (left > 0) this.#perAddress.set(address, left);
        else this.#perAddress.delete(address);
      },
    };
  }

  /** Same origin (the Host the browser asked for), or one of the allowed origins, exactly. */
  #originAllowed(origin: string, host: string | undefined): boolean {
    const normalized = originOf(origin);
    if (normalized === null) return false;
    if (this.#allowed.has(normalized)) return true;
    return host !== undefined && new URL(normalized).host === host.toLowerCase();
  }
}

function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}
