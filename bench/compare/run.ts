import type { WindowFigures } from '../metrics/meeting-window.ts';
import { measureWindow } from '../metrics/meeting-window.ts';
import type { Scenario } from './scenarios.ts';
import { expectedStreams } from './scenarios.ts';
import type { BenchTarget } from './target.ts';

/** What one run measured on one server, over the steady window. */
export interface RunFigures extends WindowFigures {
  /** Streams (audio + video) the receivers should get. */
  expectedStreams: number;
}

export interface RunTiming {
  warmupSeconds: number;
  seconds: number;
}

/** Starts the server with the scenario's bots, waits out the warm-up, measures a steady window, stops all. */
export async function measureRun(target: BenchTarget, scenario: Scenario, timing: RunTiming): Promise<RunFigures> {
  const running = await target.start(scenario);
  try {
    await new Promise((r) => setTimeout(r, timing.warmupSeconds * 1000));
    const figures = await measureWindow(running.pid, running.meters, timing.seconds);
    return { ...figures, expectedStreams: 2 * expectedStreams(scenario) };
  } finally {
    await running.close();
  }
}
