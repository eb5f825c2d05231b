import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { median } from './process-usage.ts';

/** How the server is started: from the build (what `sotto` runs), or from TypeScript through tsx. */
const VARIANTS = {
  build: ['packages/server/bin/sotto.mjs'],
  tsx: ['--import', 'tsx', 'packages/server/src/cli/main.ts'],
} as const;
type Variant = keyof typeof VARIANTS;

export interface StartupSample {
  variant: Variant;
  /** From spawning node to "Sotto is running" on stdout. */
  startMs: number;
  /** Resident memory after idling a few seconds. */
  idleRssMiB: number;
}

const IDLE_MS = 3000;

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

async function sample(variant: Variant, port: number): Promise<StartupSample> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...VARIANTS[variant], 'start', '--port', String(port), '--media-port', String(port + 1)],
    {
      env: { ...process.env, SOTTO_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const startMs = await new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (d) => {
        output += d.toString();
        if (output.includes('Sotto is running')) resolve(performance.now() - started);
      });
      child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it ran`)));
    });
    await new Promise((r) => setTimeout(r, IDLE_MS));
    return { variant, startMs, idleRssMiB: rssMiB(child.pid ?? 0) };
  } finally {
    child.kill('SIGKILL');
  }
}

/** Start-up time and idle memory of the server from the build and from tsx, alternating run by run. */
export async function measureStartup(
  runs: number,
): Promise<{ samples: StartupSample[]; medians: Record<Variant, { startMs: number; idleRssMiB: number }> }> {
  const samples: StartupSample[] = [];
  for (let run = 0; run < runs; run++) {
    for (const variant of Object.keys(VARIANTS) as Variant[]) samples.push(await sample(variant, 41_000 + 2 * samples.length));
  }
  const of = (variant: Variant) => {
    const mine = samples.filter((s) => s.variant === variant);
    return { startMs: median(mine.map((s) => s.startMs)), idleRssMiB: median(mine.map((s) => s.idleRssMiB)) };
  };
  return { samples, medians: { build: of('build'), tsx: of('tsx') } };
}
