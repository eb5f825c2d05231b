import type { ReceiveMeter } from '../metrics/receive-meter.ts';
import type { Scenario } from './scenarios.ts';

/** A server under test with a scenario's bots connected to it. */
export interface RunningTarget {
  /** The process whose CPU and memory are measured. */
  pid: number;
  /** One per receiving bot. */
  meters: ReceiveMeter[];
  /** Closes the bots, then stops the server; safe to call after a failed start. */
  close(): Promise<void>;
}

/** A server the benchmark can start, fill with a scenario's bots, and stop. */
export interface BenchTarget {
  name: 'sotto' | 'janus';
  /** What to print about this server (version, notable settings). */
  describe(): string;
  start(scenario: Scenario): Promise<RunningTarget>;
}
