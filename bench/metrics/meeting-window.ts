import { percentile } from './percentile.ts';
import type { ReceiveMeter } from './receive-meter.ts';
import { ServerUsageMeter } from './server-usage.ts';

/** What the receiving bots and the server's process showed over one window. */
export interface WindowFigures {
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
  /** Streams (audio + video) the receivers got in the window. */
  streams: number;
  /** Sizes of the video key frames the receivers got: "320x180" only means the low layer. */
  videoSizes: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens every meter, watches the server `pid` and this process for `seconds`, and sums up. */
export async function measureWindow(pid: number, meters: readonly ReceiveMeter[], seconds: number): Promise<WindowFigures> {
  const usage = new ServerUsageMeter(pid);
  const bots = new ServerUsageMeter(process.pid);
  for (const meter of meters) meter.start();
  usage.start();
  bots.start();
  await sleep(seconds * 1000);
  const used = usage.stop();
  const botsUsed = bots.stop();
  const windows = meters.map((m) => m.stop());
  const packets = windows.reduce((n, w) => n + w.packets, 0);
  const expected = windows.reduce((n, w) => n + w.expected, 0);
  const delays = windows.flatMap((w) => w.delaysMicros);
  const sizes = new Set(meters.flatMap((m) => [...m.keyFrameSizes.keys()]));
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
    videoSizes: [...sizes].sort(),
  };
}
