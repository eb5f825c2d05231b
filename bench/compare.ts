import { cpus, totalmem } from 'node:os';
import { janusTarget } from './compare/janus-target.ts';
import { formatRun, formatScenario } from './compare/report.ts';
import type { RunFigures, RunTiming } from './compare/run.ts';
import { measureRun } from './compare/run.ts';
import type { Scenario } from './compare/scenarios.ts';
import { sottoTarget } from './compare/sotto-target.ts';
import type { ServerSummary } from './compare/summary.ts';
import { cpuRatio, summarize } from './compare/summary.ts';
import type { BenchTarget } from './compare/target.ts';
import { ensureJanusInstalled } from './janus/janus-install.ts';

export interface CompareOptions extends RunTiming {
  runs: number;
  scenarios: readonly Scenario[];
}

export interface ScenarioResult {
  name: string;
  sotto: ServerSummary;
  janus: ServerSummary;
  cpuRatio: number | null;
}

const TARGETS: readonly BenchTarget[] = [sottoTarget, janusTarget];

/**
 * The same bots and load against Sotto and against Janus: per scenario, `runs` rounds of one run
 * each, alternating (sotto, janus, sotto, janus, …) so that drifting background load on this
 * shared machine hits both alike. Each run starts a fresh server and stops it after.
 */
export async function runCompare(options: CompareOptions): Promise<ScenarioResult[]> {
  let janusUnavailable: string | null = null;
  try {
    await ensureJanusInstalled();
  } catch (error) {
    janusUnavailable = (error as Error).message;
  }
  console.error(`Machine: ${cpus().length} vCPU (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
  for (const target of TARGETS) {
    if (target.name === 'janus' && janusUnavailable) continue;
    try {
      console.error(`${target.name}: ${target.describe()}`);
    } catch (error) {
      if (target.name !== 'janus') throw error;
      janusUnavailable = (error as Error).message;
    }
  }
  if (janusUnavailable) console.error(`janus: not available: ${janusUnavailable}`);
  const results: ScenarioResult[] = [];
  for (const scenario of options.scenarios) {
    const runs = new Map<BenchTarget, RunFigures[]>(TARGETS.map((t) => [t, []]));
    const failures = new Map<BenchTarget, string[]>(TARGETS.map((t) => [t, []]));
    for (let run = 1; run <= options.runs; run++) {
      for (const target of TARGETS) {
        const label = `${scenario.name} ${target.name} run ${run}/${options.runs}`;
        if (target.name === 'janus' && janusUnavailable) {
          failures.get(target)?.push(janusUnavailable);
          continue;
        }
        try {
          const figures = await measureRun(target, scenario, options);
          runs.get(target)?.push(figures);
          console.error(`${label}: ${formatRun(figures)}`);
        } catch (error) {
          const message = (error as Error).message;
          failures.get(target)?.push(message);
          console.error(`${label} failed: ${message}`);
        }
      }
    }
    const summaryOf = (target: BenchTarget) => summarize(runs.get(target) ?? [], failures.get(target) ?? []);
    const sotto = summaryOf(sottoTarget);
    const janus = summaryOf(janusTarget);
    const result = { name: scenario.name, sotto, janus, cpuRatio: cpuRatio(sotto, janus) };
    results.push(result);
    console.log(`\n${formatScenario(scenario, result, result.cpuRatio)}`);
  }
  return results;
}
