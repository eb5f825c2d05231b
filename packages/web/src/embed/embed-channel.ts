import type { EmbedOptions, ToHost, ToMeeting } from './embed-messages.ts';
import { isMessage } from './embed-messages.ts';

type CommandHandler = (name: string, args: unknown[]) => void;
type RequestHandler = (name: string) => unknown;

/**
 * The meeting's side of the iframe API. It answers only its parent window, and only if the
 * parent's origin is this server's own or on the server's embed allow-list (/config.json, from
 * `--embed-origins`); from then on, messages from any other window or origin are ignored and
 * every reply goes to that one origin, never `"*"`.
 */
export class EmbedChannel {
  #parentOrigin: string | null = null;
  #commands: CommandHandler | null = null;
  #requests: RequestHandler | null = null;
  /** Commands that came before the meeting could take them. */
  readonly #waiting: { name: string; args: unknown[] }[] = [];
  readonly #options: Promise<EmbedOptions>;
  #resolveOptions: (options: EmbedOptions) => void = () => {};

  private constructor(allowed: Promise<string[]>) {
    this.#options = new Promise((resolve) => {
      this.#resolveOptions = resolve;
    });
    window.addEventListener('message', (event) => void this.#receive(event, allowed));
  }

  /** The channel when this page is framed (null when it is not). */
  static start(): EmbedChannel | null {
    if (window.parent === window) return null;
    const allowed = fetch('/config.json')
      .then((r) => r.json())
      .then((config: { embedOrigins?: unknown }) => (Array.isArray(config.embedOrigins) ? config.embedOrigins.map(String) : []))
      .catch(() => [] as string[]);
    return new EmbedChannel(allowed);
  }

  /** The embedding page's options, once it has said hello (never, if it does not). */
  get options(): Promise<EmbedOptions> {
    return this.#options;
  }

  /** The meeting takes commands from now on (those that came early run now). */
  onCommand(handler: CommandHandler | null): void {
    this.#commands = handler;
    if (handler) for (const { name, args } of this.#waiting.splice(0)) handler(name, args);
  }

  onRequest(handler: RequestHandler | null): void {
    this.#requests = handler;
  }

  /** Tells the embedding page (if one said hello) that something happened. */
  emit(name: string, data: Record<string, unknown> = {}): void {
    this.#post({ sotto: 1, type: 'event', name, data });
  }

  #post(message: ToHost): void {
    if (this.#parentOrigin) window.parent.postMessage(message, this.#parentOrigin);
  }

  async #receive(event: MessageEvent, allowed: Promise<string[]>): Promise<void> {
    if (event.source !== window.parent || !isMessage<ToMeeting>(event.data)) return;
    const message = event.data;
    if (this.#parentOrigin === null) {
      if (message.type !== 'hello') return;
      const origins = [location.origin, ...(await allowed)];
      if (!origins.includes(event.origin) || this.#parentOrigin !== null) return;
      this.#parentOrigin = event.origin;
      this.#post({ sotto: 1, type: 'ready' });
      this.#resolveOptions(typeof message.options === 'object' && message.options !== null ? message.options : {});
      return;
    }
    if (event.origin !== this.#parentOrigin) return;
    if (message.type === 'hello') this.#post({ sotto: 1, type: 'ready' });
    else if (message.type === 'command' && Array.isArray(message.args)) {
      if (this.#commands) this.#commands(String(message.name), message.args);
      else if (this.#waiting.length < 32) this.#waiting.push({ name: String(message.name), args: message.args });
    } else if (message.type === 'request') {
      this.#post({ sotto: 1, type: 'response', id: message.id, result: this.#requests?.(message.name) ?? null });
    }
  }
}

/** This page's channel to the page that embeds it, if any. */
export const embed = EmbedChannel.start();
