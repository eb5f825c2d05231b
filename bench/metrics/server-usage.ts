import { cpuTimeMs, rssMiB } from '../process-usage.ts';

export interface ServerUsage {
  /** CPU time (user + system, all threads) the server used in the window, ms. */
  cpuMs: number;
  /** Largest VmRSS seen in the window, MiB. */
  rssMiB: number;
  seconds: number;
}

/** Watches one process (a server, or the bots' own) over a window: CPU time from /proc/<pid>/stat, VmRSS once a second. */
export class ServerUsageMeter {
  readonly #pid: number;
  #cpu0 = 0;
  #t0 = 0;
  #rss = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(pid: number) {
    this.#pid = pid;
  }

  start(): void {
    this.#cpu0 = cpuTimeMs(this.#pid);
    this.#t0 = performance.now();
    this.#rss = rssMiB(this.#pid);
    this.#timer = setInterval(() => {
      this.#rss = Math.max(this.#rss, rssMiB(this.#pid));
    }, 1000);
  }

  stop(): ServerUsage {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const seconds = (performance.now() - this.#t0) / 1000;
    return { cpuMs: cpuTimeMs(this.#pid) - this.#cpu0, rssMiB: Math.max(this.#rss, rssMiB(this.#pid)), seconds };
  }
}
