import { Bot } from './bot/bot.ts';
import { cpuTimeMs, median, rssMiB } from './process-usage.ts';
import { startSottoProcess } from './sotto-process.ts';

export interface LoadOptions {
  bots: number;
  videoBitrate: number;
  /** Seconds of load; figures come from the steady part after the warm-up. */
  seconds: number;
  warmupSeconds: number;
  runs: number;
}

export interface LoadResult {
  cpuPercent: number;
  rssMiB: number;
  packetsForwardedPerSecond: number;
  cpuMicrosPerPacket: number;
  bitrateInMbps: number;
}

const totalPackets = (bots: Bot[]) => bots.reduce((n, b) => n + [...b.received.values()].reduce((m, s) => m + s.packets, 0), 0);

/** One run: N bots in one room, each sending video + audio, each receiving everyone else. */
async function runOnce(options: LoadOptions, run: number): Promise<LoadResult> {
  const port = 29000 + run * 2; // below the ephemeral port range
  const server = await startSottoProcess(port, port + 1);
  const bots: Bot[] = [];
  try {
    for (let i = 0; i < options.bots; i++) {
      bots.push(
        await Bot.join({ serverUrl: server.url, room: 'bench-load-room', name: `bot${i}`, videoBitrate: options.videoBitrate }),
      );
    }
    await new Promise((r) => setTimeout(r, options.warmupSeconds * 1000));
    const cpu0 = cpuTimeMs(server.pid);
    const packets0 = totalPackets(bots);
    const bytes0 = bots.reduce((n, b) => n + [...b.received.values()].reduce((m, s) => m + s.bytes, 0), 0);
    const t0 = performance.now();
    const rss: number[] = [];
    const window = (options.seconds - options.warmupSeconds) * 1000;
    while (performance.now() - t0 < window) {
      await new Promise((r) => setTimeout(r, 1000));
      rss.push(rssMiB(server.pid));
    }
    const elapsed = (performance.now() - t0) / 1000;
    const cpuMs = cpuTimeMs(server.pid) - cpu0;
    const packets = totalPackets(bots) - packets0;
    const bytes = bots.reduce((n, b) => n + [...b.received.values()].reduce((m, s) => m + s.bytes, 0), 0) - bytes0;
    return {
      cpuPercent: (cpuMs / 1000 / elapsed) * 100,
      rssMiB: Math.max(...rss),
      packetsForwardedPerSecond: packets / elapsed,
      cpuMicrosPerPacket: (cpuMs * 1000) / packets,
      // Every bot receives every other: bots × (bots − 1) streams.
      bitrateInMbps: (bytes * 8) / elapsed / (options.bots * (options.bots - 1)) / 1e6,
    };
  } finally {
    for (const bot of bots) bot.close();
    await server.stop();
  }
}

export async function runLoad(options: LoadOptions): Promise<{ runs: LoadResult[]; median: LoadResult }> {
  const runs: LoadResult[] = [];
  for (let i = 0; i < options.runs; i++) {
    const result = await runOnce(options, i);
    runs.push(result);
    console.error(`run ${i + 1}/${options.runs}: ${format(result)}`);
  }
  const pick = (key: keyof LoadResult) => median(runs.map((r) => r[key]));
  return {
    runs,
    median: {
      cpuPercent: pick('cpuPercent'),
      rssMiB: pick('rssMiB'),
      packetsForwardedPerSecond: pick('packetsForwardedPerSecond'),
      cpuMicrosPerPacket: pick('cpuMicrosPerPacket'),
      bitrateInMbps: pick('bitrateInMbps'),
    },
  };
}

export function format(r: LoadResult): string {
  return `server CPU ${r.cpuPercent.toFixed(1)}% of a core, RSS ${r.rssMiB.toFixed(0)} MiB, ${r.packetsForwardedPerSecond.toFixed(0)} packets/s forwarded, ${r.cpuMicrosPerPacket.toFixed(1)} µs CPU per forwarded packet, ${r.bitrateInMbps.toFixed(2)} Mbit/s per forwarded stream`;
}
