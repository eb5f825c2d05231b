import type { MemberTimeline } from './e2ee-members.ts';
import { median } from './process-usage.ts';

/** How the server's trace lines start (mls-trace-server.ts). */
export const TRACE_PREFIX = 'mls-trace ';

/**
 * One measured join, as marks on the wall clock that every process of the benchmark shares (ms,
 * µs resolution): each step below is timed inside the process where it runs; the steps between
 * processes ("→ …") are the socket plus the wait for the receiving event loop.
 */
export interface JoinMarks {
  newcomer: {
    joinAt: number;
    keyPackageSentAt: number;
    welcomeReceivedAt: number;
    /** ts-mls processing the Welcome (PendingMember.join). */
    welcomeProcessing: { startedAt: number; endedAt: number };
    keysAt: number;
    firstFrameAt: number;
  };
  server: {
    keyPackageAt: number;
    taskAt: number;
    commitAt: number;
    /** Commits relayed to the other members while accepting it. */
    commitsRelayed: number;
    /** Handed to the newcomer's socket, after the commit to every other member. */
    welcomeSentAt: number;
    welcomeBytes: number;
  };
  committer: {
    taskReceivedAt: number;
    build: { startedAt: number; endedAt: number };
    commitSentAt: number;
  };
}

/** One line of the server's trace (mls-trace-server.ts). */
export type ServerMark = Record<string, unknown> & { event: string; at: number };

export interface JoinStep {
  label: string;
  ms: number;
}

export function joinSteps(m: JoinMarks): JoinStep[] {
  const { newcomer: n, server: s, committer: c } = m;
  return [
    { label: 'newcomer: join request → key package sent', ms: n.keyPackageSentAt - n.joinAt },
    { label: '  → server', ms: s.keyPackageAt - n.keyPackageSentAt },
    { label: 'server: key package at server → task to committer', ms: s.taskAt - s.keyPackageAt },
    { label: '  → committer', ms: c.taskReceivedAt - s.taskAt },
    { label: 'committer: task received → commit started (queue)', ms: c.build.startedAt - c.taskReceivedAt },
    { label: 'committer: commit + Welcome built', ms: c.build.endedAt - c.build.startedAt },
    { label: 'committer: built → sent', ms: c.commitSentAt - c.build.endedAt },
    { label: '  → server', ms: s.commitAt - c.commitSentAt },
    { label: 'server: commit received → Welcome handed to its socket', ms: s.welcomeSentAt - s.commitAt },
    { label: '  → newcomer', ms: n.welcomeReceivedAt - s.welcomeSentAt },
    { label: 'newcomer: Welcome received → processed (keys)', ms: n.keysAt - n.welcomeReceivedAt },
    { label: '  of which ts-mls joinGroup', ms: n.welcomeProcessing.endedAt - n.welcomeProcessing.startedAt },
    { label: 'total: join request → keys', ms: n.keysAt - n.joinAt },
    { label: 'join request → first decrypted frame', ms: n.firstFrameAt - n.joinAt },
  ];
}

/** One table per meeting size: a row per step, a column per run, then the median. */
export function stepsTable(title: string, runs: JoinStep[][]): string {
  const labels = runs[0]?.map((s) => s.label) ?? [];
  const width = Math.max(...labels.map((l) => l.length));
  const cell = (v: number) => v.toFixed(v < 10 ? 1 : 0).padStart(7);
  const head = `${'ms'.padEnd(width)} ${runs.map((_, i) => `run ${i + 1}`.padStart(7)).join(' ')}  median`;
  const rows = labels.map((label, i) => {
    const values = runs.map((r) => r[i]?.ms ?? Number.NaN);
    return `${label.padEnd(width)} ${values.map(cell).join(' ')} ${cell(median(values))}`;
  });
  return [title, head, ...rows].join('\n');
}

/** The server's marks for the newcomer's key package, task, commit and Welcome. */
export function serverMarks(trace: ServerMark[], newcomer: string): JoinMarks['server'] {
  const find = (event: string, match: (m: ServerMark) => boolean) => {
    const mark = trace.find((m) => m.event === event && match(m));
    if (!mark) throw new Error(`the server traced no ${event} for the newcomer`);
    return mark;
  };
  const names = (key: string) => (m: ServerMark) => (m[key] as string[]).includes(newcomer);
  const keyPackage = find('key-package', (m) => m.member === newcomer);
  const task = find('task', names('adds'));
  const commit = find('commit', names('added'));
  const welcome = find('welcome', names('to'));
  return {
    keyPackageAt: keyPackage.receivedAt as number,
    taskAt: task.at,
    commitAt: commit.receivedAt as number,
    commitsRelayed: commit.commitsRelayed as number,
    welcomeSentAt: welcome.at,
    welcomeBytes: welcome.bytes as number,
  };
}

/** The committer's marks for the commit that added the newcomer. */
export function committerMarks(timeline: MemberTimeline, newcomer: string): JoinMarks['committer'] {
  const task = timeline.tasks.find((t) => t.adds.includes(newcomer) && t.sentAt);
  if (!task) throw new Error('the committer sent no commit adding the newcomer');
  const build = timeline.commits.find((c) => c.startedAt >= task.receivedAt && c.endedAt <= task.sentAt);
  if (!build) throw new Error('no commit was built for the newcomer');
  return { taskReceivedAt: task.receivedAt, build, commitSentAt: task.sentAt };
}
