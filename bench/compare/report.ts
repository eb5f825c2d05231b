import type { RunFigures } from './run.ts';
import type { Scenario } from './scenarios.ts';
import type { ServerSummary } from './summary.ts';

/** One line per run, for the progress log. */
export function formatRun(r: RunFigures): string {
  return (
    `${r.cpuMicrosPerPacket.toFixed(1)} µs CPU/packet, ${r.packetsPerSecond.toFixed(0)} packets/s, ` +
    `loss ${r.lossPercent.toFixed(2)}%, delay p50 ${r.delayP50Ms.toFixed(2)} ms p99 ${r.delayP99Ms.toFixed(2)} ms, ` +
    `RSS ${r.rssMiB.toFixed(0)} MiB, CPU ${r.cpuPercent.toFixed(0)}% of a core (bots ${r.botsCpuPercent.toFixed(0)}%), ` +
    `${r.streams}/${r.expectedStreams} streams, video ${r.videoSizes.join(' ') || 'none'}`
  );
}

const ROWS: Array<[label: string, format: (s: RunFigures) => string]> = [
  ['CPU µs per forwarded packet', (s) => s.cpuMicrosPerPacket.toFixed(2)],
  ['forwarded packets/s', (s) => s.packetsPerSecond.toFixed(0)],
  ['loss', (s) => `${s.lossPercent.toFixed(2)}%`],
  ['delay p50', (s) => `${s.delayP50Ms.toFixed(2)} ms`],
  ['delay p99', (s) => `${s.delayP99Ms.toFixed(2)} ms`],
  ['RSS', (s) => `${s.rssMiB.toFixed(0)} MiB`],
  ['server CPU (% of one core)', (s) => s.cpuPercent.toFixed(1)],
  ["bots' CPU (% of one core)", (s) => s.botsCpuPercent.toFixed(1)],
  ['streams received / expected', (s) => `${s.streams}/${s.expectedStreams}`],
  ['video received', (s) => s.videoSizes.join(' ') || 'none'],
];

/** The scenario's medians side by side, and the CPU ratio. */
export function formatScenario(
  scenario: Scenario,
  servers: { sotto: ServerSummary; janus: ServerSummary },
  ratio: number | null,
): string {
  const cell = (s: ServerSummary, format: (s: RunFigures) => string) => ('error' in s ? 'failed' : format(s));
  const runs = Math.max(servers.sotto.runs.length, servers.janus.runs.length);
  const rows = [
    ['', 'sotto', 'janus'],
    ...ROWS.map(([label, format]) => [label, cell(servers.sotto, format), cell(servers.janus, format)]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const lines = rows.map((r) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('   '),
  );
  const errors = (['sotto', 'janus'] as const).flatMap((name) => {
    const s = servers[name];
    if ('error' in s) return [`${name} failed: ${s.error}`];
    return s.failedRuns.map((f) => `${name}: a run failed: ${f}`);
  });
  return [
    `${scenario.name}: ${scenario.summary}; medians of ${runs} runs`,
    ...lines,
    `cpuRatio (Sotto / Janus CPU µs per forwarded packet): ${ratio === null ? 'n/a' : ratio.toFixed(2)}`,
    ...errors,
  ].join('\n');
}
