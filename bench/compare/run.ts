import { percentile } from '../metrics/percentile.ts';
import { ServerUsageMeter } from '../metrics/server-usage.ts';
import type { Scenario } from './scenarios.ts';
import { expectedStreams } from './scenarios.ts';
import type { BenchTarget } from './target.ts';

/** What one run measured on one server, over the steady window. */
export interface RunFigures {
  /** Server CPU time / RTP packets counted at the receiving bots. */
  cpuMicrosPerPacket: number;
  /** RTP packets the receiving bots got per second (= packets the server forwarded). */
  packetsPerSecond: number;
  /** Packets missing by sequence number, over all received streams, %. */
  lossPercent: number;
  /** Receive time − send time (bot → server → bot), ms. */
  delayP50Ms: number;
  delayP99Ms: number;
  /** Largest VmRSS of the server process in the window. */
  rssMiB: number;
  /** Server CPU, % of one core. */
  cpuPercent: number;
  /** This process (all bots) CPU, % of one core: near 100+ means the bots, not the server, set the pace. */
  botsCpuPercent: number;
  /** Streams (audio + video) the receivers got in the window, and how many they should get. */
  streams: number;
  expectedStreams: number;
  /** Sizes of the video key frames the receivers got: "320x180" only means the low layer. */
  videoSizes: string[];
}

export interface RunTiming {
  warmupSeconds: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the server with the scenario's bots, waits out the warm-up, measures a steady window, stops all. */
export async function measureRun(target: BenchTarget, scenario: Scenario, timing: RunTiming): Promise<RunFigures> {
  const running = await target.start(scenario);
  try {
    await sleep(timing.warmupSeconds * 1000);
    const usage = new ServerUsageMeter(running.pid);
    const bots = new ServerUsageMeter(process.pid);
    for (const meter of running.meters) meter.start();
    usage.start();
    bots.start();
    await sleep(timing.seconds * 1000);
    const used = usage.stop();
    const botsUsed = bots.stop();
    const windows = running.meters.map((m) => m.stop());
    const packets = windows.reduce((n, w) => n + w.packets, 0);
    const expected = windows.reduce((n, w) => n + w.expected, 0);
    const delays = windows.flatMap((w) => w.delaysMicros);
    const sizes = new Set(running.meters.flatMap((m) => [...m.keyFrameSizes.keys()]));
    return {
      cpuMicrosPerPacket: packets ? (used.cpuMs * 1000) / packets : Number.NaN,
      packetsPerSecond: packets / used.seconds,
      lossPercent: expected ? Math.max(0, ((expected - packets) / expected) * 100) : Number.NaN,
      delayP50Ms: percentile(delays, 50) / 1000,
      delayP99Ms: percentile(delays, 99) / 1000,
      rssMiB: used.rssMiB,
      cpuPercent: (used.cpuMs / 1000 / used.seconds) * 100,
      botsCpuPercent: (botsUsed.cpuMs / 1000 / botsUsed.seconds) * 100,
      streams: windows.reduce((n, w) => n + w.audioStreams + w.videoStreams, 0),
      expectedStreams: 2 * expectedStreams(scenario),
      videoSizes: [...sizes].sort(),
    };
  } finally {
    await running.close();
  }
}
