/** A minimal typed event emitter for the browser (no Node `events` in the bundle). */
export class Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  // biome-ignore lint/suspicious/noExplicitAny: handlers of different events share one map
  readonly #handlers = new Map<keyof Events, Set<(...args: any[]) => void>>();

  on<K extends keyof Events>(event: K, handler: (...args: Events[K]) => void): () => void {
    let set = this.#handlers.get(event);
    if (!set) {
      set = new Set();
      this.#handlers.set(event, set);
    }
    set.add(handler);
    return () => this.off(event, handler);
  }

  off<K extends keyof Events>(event: K, handler: (...args: Events[K]) => void): void {
    this.#handlers.get(event)?.delete(handler);
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const handler of [...(this.#handlers.get(event) ?? [])]) {
      try {
        handler(...args);
      } catch (error) {
        console.error(`handler for ${String(event)} failed`, error);
      }
    }
  }
}
