type Source = 'camera' | 'screen';
export interface RenderedSource {
  memberId: string;
  source: Source;
  width: number;
  height: number;
}

const BATCH_MS = 150;

/**
 * Collects what the page renders and sends it to the server as one `view` message, at most every
 * 150 ms. While the page is hidden (another tab, minimised) it reports nothing rendered.
 */
export class ViewReporter {
  readonly #send: (sources: RenderedSource[]) => void;
  readonly #sizes = new Map<string, RenderedSource>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #onVisibility = () => this.#schedule();

  constructor(send: (sources: RenderedSource[]) => void) {
    this.#send = send;
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  set(memberId: string, source: Source, width: number, height: number): void {
    const key = `${memberId}/${source}`;
    const previous = this.#sizes.get(key);
    const w = Math.max(0, Math.round(width));
    const h = Math.max(0, Math.round(height));
    if (previous && previous.width === w && previous.height === h) return;
    if (w === 0 || h === 0) this.#sizes.delete(key);
    else this.#sizes.set(key, { memberId, source, width: w, height: h });
    this.#schedule();
  }

  forget(memberId: string): void {
    for (const key of [...this.#sizes.keys()]) if (key.startsWith(`${memberId}/`)) this.#sizes.delete(key);
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#send(document.hidden ? [] : [...this.#sizes.values()]);
    }, BATCH_MS);
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    document.removeEventListener('visibilitychange', this.#onVisibility);
  }
}
