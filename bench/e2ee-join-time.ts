import { fileURLToPath } from 'node:url';
import { mlsSpans, timeMlsWork } from './bot/mls-timing.ts';
import type { E2eeBotOptions } from './e2ee-join.ts';
import { timeE2eeJoin } from './e2ee-join.ts';
import type { JoinMarks, JoinStep, ServerMark } from './e2ee-join-steps.ts';
import { committerMarks, joinSteps, serverMarks, stepsTable, TRACE_PREFIX } from './e2ee-join-steps.ts';
import { converged, MemberProcess } from './e2ee-members.ts';
import { warmUpMls } from './mls-warm-up.ts';
import { median } from './process-usage.ts';
import { startSottoProcess } from './sotto-process.ts';

const TRACE = fileURLToPath(new URL('./mls-trace-server.ts', import.meta.url));
/** Members joining at once per process while the meeting fills: their key packages share commits. */
const JOIN_BATCH = 25;
/** Background members per child process: one event loop keeps up with this many (2 cores). */
const PER_PROCESS = 50;
const wall = (t: number) => performance.timeOrigin + t;

export interface E2eeJoinSize {
  members: number;
  runs: JoinStep[][];
  median: { keysMs: number; firstFrameMs: number };
}

/**
 * The last member's join into an end-to-end encrypted meeting of `members` bots (MLS + SFrame,
 * the SDK's code), step by step, each step timed in the process where it runs:
 *   - the newcomer runs alone in this process (no other member's media or MLS work here);
 *   - the committer (the first member) runs in a child process of its own;
 *   - the other members run in more child processes at the lowest CPU priority, standing for
 *     other people's devices: they send media, receive it (the server forwards it all), follow
 *     every commit and the membership rules, but do not decrypt the media they receive (on two
 *     cores, 98 members decrypting 16 videos each could not keep up, and that work is not on
 *     the path measured);
 *   - the server runs as its own process, with tracing hooks preloaded (mls-trace-server.ts).
 */
export async function measureE2eeJoin(sizes: readonly number[], runs: number): Promise<E2eeJoinSize[]> {
  let trace: ServerMark[] = [];
  const largest = Math.max(50, ...sizes);
  // Every bot connects from this machine: allow them all from one address.
  const limits = ['--max-members', String(largest), '--max-sockets-per-address', String(2 * largest)];
  const server = await startSottoProcess(18_580, 18_581, limits, {
    preload: [TRACE],
    onLine: (line) => {
      if (line.startsWith(TRACE_PREFIX)) trace.push(JSON.parse(line.slice(TRACE_PREFIX.length)));
    },
  });
  timeMlsWork();
  console.log(`MLS warm-up of this process (the first MLS work in a page pays it once): ${(await warmUpMls()).toFixed(0)} ms`);
  const results: E2eeJoinSize[] = [];
  try {
    for (const members of sizes) {
      const steps: JoinStep[][] = [];
      let notes = '';
      for (let run = 0; run < runs; run++) {
        const options = { serverUrl: server.url, room: `e2ee-join-${members}-${run}` };
        trace = [];
        const marks = await measureOneJoin(options, members, () => trace);
        steps.push(joinSteps(marks));
        notes = `Welcome ${marks.server.welcomeBytes} B as base64, ${marks.server.commitsRelayed} commits relayed`;
        const [keys, frame] = [marks.newcomer.keysAt, marks.newcomer.firstFrameAt].map((t) => t - marks.newcomer.joinAt);
        console.log(
          `${members} members, run ${run + 1}: keys ${keys?.toFixed(0)} ms, first decrypted frame ${frame?.toFixed(0)} ms`,
        );
      }
      console.log(`\n${stepsTable(`e2ee join, member ${members} of ${members} (${notes}):`, steps)}\n`);
      const total = (label: string) => median(steps.map((r) => r.find((s) => s.label.startsWith(label))?.ms ?? Number.NaN));
      results.push({
        members,
        runs: steps,
        median: { keysMs: total('total: join request → keys'), firstFrameMs: total('join request → first decrypted frame') },
      });
    }
  } finally {
    await server.stop();
  }
  return results;
}

async function measureOneJoin(options: E2eeBotOptions, members: number, serverTrace: () => ServerMark[]): Promise<JoinMarks> {
  const committer = new MemberProcess();
  const names = Array.from({ length: members - 2 }, (_, i) => `bot${i + 1}`);
  const others = Array.from({ length: Math.ceil(names.length / PER_PROCESS) }, () => new MemberProcess(true));
  try {
    const startedAt = performance.now();
    await committer.join(options, ['bot0']);
    await converged([committer], 1);
    const background = { ...options, decryptMedia: false };
    await Promise.all(others.map((p, i) => p.join(background, names.slice(i * PER_PROCESS, (i + 1) * PER_PROCESS), JOIN_BATCH)));
    const filled = await converged([committer, ...others], members - 1);
    console.log(
      `${members - 1} members in the group after ${((performance.now() - startedAt) / 1000).toFixed(0)} s: epoch ${filled.epoch}, ${filled.rejoins} rejoins`,
    );
    // Let the meeting settle (layers, key frames) before the measured join.
    await new Promise((r) => setTimeout(r, 2000));
    const since = wall(performance.now());
    const { bot } = await timeE2eeJoin(options, `bot${members - 1}`);
    bot.close();
    const e2ee = bot.e2ee;
    if (!e2ee) throw new Error('the newcomer joined without E2EE');
    const welcome = mlsSpans.welcomes.at(-1);
    if (!welcome) throw new Error('no Welcome was processed');
    return {
      newcomer: {
        joinAt: wall(bot.joinStartedAt),
        keyPackageSentAt: wall(e2ee.keyPackageSentAt),
        welcomeReceivedAt: wall(e2ee.welcomeReceivedAt),
        welcomeProcessing: { startedAt: wall(welcome.startedAt), endedAt: wall(welcome.endedAt) },
        keysAt: wall(e2ee.keysAt),
        firstFrameAt: wall(e2ee.firstVideoAt),
      },
      server: serverMarks(serverTrace(), bot.memberId),
      committer: committerMarks(await committer.timeline(since), bot.memberId),
    };
  } finally {
    await Promise.all([committer, ...others].map((p) => p.close()));
  }
}
