import { median } from '../process-usage.ts';
import type { RunFigures } from './run.ts';

/** A server's figures in one scenario: medians over its runs, and the runs themselves. */
export type ServerSummary = (RunFigures & { runs: RunFigures[]; failedRuns: string[] }) | { error: string; runs: [] };

const MEDIAN_KEYS = [
  'cpuMicrosPerPacket',
  'packetsPerSecond',
  'lossPercent',
  'delayP50Ms',
  'delayP99Ms',
  'rssMiB',
  'cpuPercent',
  'botsCpuPercent',
] as const satisfies ReadonlyArray<keyof RunFigures>;

/** Medians of every figure separately (as the load benchmark does); streams: the worst run. */
export function summarize(runs: RunFigures[], failures: string[]): ServerSummary {
  const first = runs[0];
  if (!first) return { error: failures[0] ?? 'no run finished', runs: [] };
  const medians = Object.fromEntries(MEDIAN_KEYS.map((key) => [key, median(runs.map((r) => r[key]))])) as Pick<
    RunFigures,
    (typeof MEDIAN_KEYS)[number]
  >;
  return {
    ...medians,
    streams: Math.min(...runs.map((r) => r.streams)),
    expectedStreams: first.expectedStreams,
    videoSizes: [...new Set(runs.flatMap((r) => r.videoSizes))].sort(),
    runs,
    failedRuns: failures,
  };
}

/** Sotto's CPU per forwarded packet over Janus': below 1 means Sotto needs less. */
export function cpuRatio(sotto: ServerSummary, janus: ServerSummary): number | null {
  if ('error' in sotto || 'error' in janus) return null;
  return sotto.cpuMicrosPerPacket / janus.cpuMicrosPerPacket;
}
