import { parseArgs } from 'node:util';
import { formatAttack, runAttack } from './attack.ts';
import { SCENARIOS } from './compare/scenarios.ts';
import { runCompare } from './compare.ts';
import { measureE2eeJoin } from './e2ee-join-time.ts';
import { measureJoinTime } from './join-time.ts';
import { format, runLoad } from './load.ts';
import { measureSwitchGaps, switchGapSummary } from './p2p-switch.ts';
import { formatPrivacyEffects, measurePrivacyEffects } from './privacy-effects.ts';
import { formatSoak, runSoak } from './soak.ts';
import { measureStartup } from './startup.ts';

const USAGE = `Usage: npm run bench -- [<benchmark>] [options]

Benchmarks:
  compare     (the default) the same bots and load against Sotto's SFU and against Janus
              (Debian's janus, videoroom plugin, tuned; installed with apt-get when missing),
              alternating servers run by run; prints CPU µs per forwarded packet, packets/s,
              loss, delay p50/p99 and RSS for both (medians of --runs) and their cpuRatio.
              Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}
  load        N bots (default 8) in one room, each sending ~1.5 Mbit/s VP8 + Opus; prints the
              server's CPU, RSS and CPU µs per forwarded packet (medians of --runs)
  join-time   three browsers; time from clicking Join to the first decoded remote frame
              (median of --runs)
  p2p-switch  two browsers peer to peer; a third joins and leaves (--runs times, default 5):
              the longest gap between frames shown at each switch, both ways
  e2ee-join   an end-to-end encrypted meeting of --members bots (default 25): the last
              member's join, step by step — key package, the server's task to the committer,
              the committer's commit and Welcome, the server's relay, the Welcome processed
              (keys), first decrypted video frame — each step timed in the process where it
              runs; the newcomer alone in the measuring process, the others in child processes
              (a table per size, medians of --runs, default 5)
  attack      a meeting of --members bots (default 10, simulcast video + audio) measured calm,
              then again while one member attacks from inside (audio sequence jumping by 200,
              NACK, transport-cc and key-frame request floods of --rtcp-rate packets/s each)
              and a second attacker holds --sockets signaling sockets (default 2000) from 40
              addresses; prints loss, delay, the server's CPU and RSS, what the attackers got,
              and whether the limits held (loss < 1%, RSS < 400 MiB, nobody removed)
  soak        --bots members (default 50) in rooms of 5 for --minutes (default 30), each
              sending 300 kbit/s VP8 + Opus end-to-end encrypted (MLS + SFrame, the SDK's
              code), one member leaving and one joining every 30 s; prints the server's RSS
              after --warmup-minutes (default 5) and at the end, loss, stalls and errors, and
              whether the limits held (RSS growth < 10%, no errors, stalls or loss)

  privacy-effects
              two browsers in a meeting: the voice disguise's cost in Node and its added
              delay in the browser; the sender's CPU (all its browser's processes) with the
              camera as it is and with blur plus voice disguise, alternating 15 s windows
              (--runs, default 3); the blur worker's ms per frame and frames per second
  startup     the server started from the build (what \`sotto\` runs) and from TypeScript through
              tsx, alternating: time to "Sotto is running" and RSS after 3 s idle (medians of
              --runs, default 5)

Options:
  --runs N        repetitions (default 3 for compare and load, 5 for join-time)
  --seconds N     load duration (default 60); compare: the measured window (default 10)
  --warmup N      compare, attack: seconds between the last bot joining and the window (default 18:
                  past Sotto suspending the simulcast layers nobody needs, 10 s + 5 s)
  --scenario S    compare: only this scenario (default: all)
  --bots N        load participants (default 8); soak: members (default 50)
  --members N     e2ee-join: meeting size, the measured member included (default 25); a
                  list runs each size: --members 25,50,100
  --minutes N     soak: duration (default 30)
  --warmup-minutes N  soak: minutes before the memory baseline (default 5)
  --churn N       soak: seconds between one member leaving and another joining (default 30)
  --sockets N     attack: sockets the second attacker opens (default 2000)
  --rtcp-rate N   attack: RTCP packets per second of each kind (default 1000)
  --json          print one JSON line with the results at the end
`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      scenario: { type: 'string' },
      bots: { type: 'string' },
      members: { type: 'string' },
      sockets: { type: 'string' },
      minutes: { type: 'string' },
      'warmup-minutes': { type: 'string' },
      churn: { type: 'string' },
      'rtcp-rate': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  // Exit through process.exit on Ctrl-C or kill, so the servers we started die with us ('exit' hooks).
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  const which = positionals[0] ?? 'compare';
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (which === 'compare') {
    const scenarios = SCENARIOS.filter((s) => values.scenario === undefined || s.name === values.scenario);
    if (!scenarios.length) {
      process.stderr.write(`unknown scenario "${values.scenario}"\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    const results = await runCompare({
      runs: Number(values.runs ?? 3),
      seconds: Number(values.seconds ?? 10),
      warmupSeconds: Number(values.warmup ?? 18),
      scenarios,
    });
    if (values.json) console.log(JSON.stringify({ scenarios: results }, roundNumbers));
  } else if (which === 'load') {
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
  } else if (which === 'p2p-switch') {
    const result = await measureSwitchGaps(Number(values.runs ?? 5));
    console.log(switchGapSummary(result));
    if (values.json) console.log(JSON.stringify({ p2pSwitch: result }, roundNumbers));
  } else if (which === 'e2ee-join') {
    const sizes = (values.members ?? '25').split(',').map(Number);
    if (!sizes.every((n) => Number.isInteger(n) && n >= 3 && n <= 1000)) {
      process.stderr.write(`--members takes meeting sizes from 3 to 1000 (e.g. 25,50,100)\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    const results = await measureE2eeJoin(sizes, Number(values.runs ?? 5));
    for (const { members, runs, median } of results) {
      console.log(
        `e2ee join, member ${members} of ${members}, median of ${runs.length}: keys ${median.keysMs.toFixed(0)} ms, first decrypted frame ${median.firstFrameMs.toFixed(0)} ms`,
      );
    }
    if (values.json) console.log(JSON.stringify({ e2eeJoin: results }, roundNumbers));
  } else if (which === 'privacy-effects') {
    const result = await measurePrivacyEffects(Number(values.runs ?? 3));
    console.log(formatPrivacyEffects(result));
    if (values.json) console.log(JSON.stringify({ privacyEffects: result }, roundNumbers));
  } else if (which === 'startup') {
    const result = await measureStartup(Number(values.runs ?? 5));
    for (const [variant, m] of Object.entries(result.medians)) {
      console.log(
        `startup from ${variant}, median of ${values.runs ?? 5}: ${m.startMs.toFixed(0)} ms to running, ${m.idleRssMiB.toFixed(1)} MiB idle RSS`,
      );
    }
    if (values.json) console.log(JSON.stringify({ startup: result }, roundNumbers));
  } else if (which === 'soak') {
    const minutes = Number(values.minutes ?? 30);
    const options = {
      bots: Number(values.bots ?? 50),
      roomSize: 5,
      minutes,
      warmupMinutes: Number(values['warmup-minutes'] ?? Math.min(5, minutes / 6)),
      churnSeconds: Number(values.churn ?? 30),
    };
    const result = await runSoak(options);
    console.log(formatSoak(result, options));
    if (values.json) console.log(JSON.stringify({ soak: result }, roundNumbers));
    if (!result.passed) process.exitCode = 1;
  } else if (which === 'attack') {
    const options = {
      members: Number(values.members ?? 10),
      seconds: Number(values.seconds ?? 30),
      warmupSeconds: Number(values.warmup ?? 18),
      rtcpPerSecond: Number(values['rtcp-rate'] ?? 1000),
      sockets: Number(values.sockets ?? 2000),
    };
    const result = await runAttack(options);
    console.log(formatAttack(result, options));
    if (values.json) console.log(JSON.stringify({ attack: result }, roundNumbers));
    if (!result.passed) process.exitCode = 1;
  } else {
    process.stderr.write(`unknown benchmark "${which}"\n\n${USAGE}`);
    process.exitCode = 2;
  }
  process.exit();
}

/** JSON numbers to 3 decimals: enough for every figure, and a readable line. */
function roundNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value;
}

main();
