import { parseArgs } from 'node:util';
import { measureJoinTime } from './join-time.ts';
import { format, runLoad } from './load.ts';

const USAGE = `Usage: npm run bench -- <benchmark> [options]

Benchmarks:
  load        N bots (default 8) in one room, each sending ~1.5 Mbit/s VP8 + Opus; prints the
              server's CPU, RSS and CPU µs per forwarded packet (medians of --runs)
  join-time   three browsers; time from clicking Join to the first decoded remote frame
              (median of --runs)

Options:
  --runs N        repetitions (default 3 for load, 5 for join-time)
  --seconds N     load duration (default 60)
  --bots N        load participants (default 8)
  --json          print one JSON line with the results at the end
`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string' },
      seconds: { type: 'string' },
      bots: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const which = positionals[0];
  if (values.help || !which) {
    process.stdout.write(USAGE);
    return;
  }
  if (which === 'load') {
    const seconds = Number(values.seconds ?? 60);
    const result = await runLoad({
      bots: Number(values.bots ?? 8),
      videoBitrate: 1_500_000,
      seconds,
      warmupSeconds: Math.min(10, Math.floor(seconds / 4)),
      runs: Number(values.runs ?? 3),
    });
    console.log(`load, median of ${result.runs.length}: ${format(result.median)}`);
    if (values.json) console.log(JSON.stringify({ load: result }));
  } else if (which === 'join-time') {
    const result = await measureJoinTime(Number(values.runs ?? 5));
    console.log(
      `join to first remote frame, median of ${result.samples.length}: ${result.medianMs.toFixed(0)} ms (samples: ${result.samples.map((s) => s.toFixed(0)).join(', ')})`,
    );
    if (values.json) console.log(JSON.stringify({ joinTime: result }));
  } else {
    process.stderr.write(`unknown benchmark "${which}"\n\n${USAGE}`);
    process.exitCode = 2;
  }
  process.exit();
}

main();
