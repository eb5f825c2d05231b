import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { E2eeBotOptions } from './e2ee-join.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./e2ee-members-child.ts', import.meta.url));

type MemberRequest =
  | { cmd: 'join'; options: E2eeBotOptions; names: string[]; concurrency: number }
  | { cmd: 'state' }
  | { cmd: 'timeline'; since: number }
  | { cmd: 'close' };
export type MemberCommand = MemberRequest & { id: number };
export type MemberReply = { id: number; result?: unknown; error?: string };

export interface MemberState {
  id: string;
  epoch: number | null;
  members: number;
  rejoins: number;
}

/** What a child's committer did, on the wall clock (ms, µs resolution; 0 = did not happen). */
export interface MemberTimeline {
  tasks: Array<{ member: string; epoch: number; adds: string[]; receivedAt: number; sentAt: number; acceptedAt: number }>;
  /** MlsGroup.commit calls: building a commit and its Welcome. */
  commits: Array<{ startedAt: number; endedAt: number }>;
}

/** Lowest CPU priority (nice 19). */
const BACKGROUND_NICENESS = 19;

/**
 * Members of the meeting running in a child process (e2ee-members-child.ts). `background`: they
 * stand for other people's devices, so the process runs at the lowest CPU priority (it does not
 * take CPU from the processes on the path being measured) and its members do their MLS work one
 * at a time (mls-one-at-a-time.ts).
 */
export class MemberProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (reply: MemberReply) => void>();
  #nextId = 1;

  constructor(background = false) {
    const node = [process.execPath, '--import', 'tsx', CHILD, ...(background ? ['--background'] : [])];
    const [command, ...args] = background ? ['nice', '-n', String(BACKGROUND_NICENESS), ...node] : node;
    this.#child = spawn(command as string, args, {
      cwd: ROOT,
      env: { ...process.env, SOTTO_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (reply: MemberReply) => {
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
    });
    this.#child.once('exit', (code) => {
      for (const resolve of this.#pending.values()) resolve({ id: 0, error: `member process exited (${code})` });
      this.#pending.clear();
    });
    // Never leave one behind, even when the benchmark dies on an error.
    process.once('exit', this.#kill);
  }

  join(options: E2eeBotOptions, names: string[], concurrency = 1): Promise<string[]> {
    return this.#request({ cmd: 'join', options, names, concurrency }) as Promise<string[]>;
  }

  state(): Promise<MemberState[]> {
    return this.#request({ cmd: 'state' }) as Promise<MemberState[]>;
  }

  timeline(since: number): Promise<MemberTimeline> {
    return this.#request({ cmd: 'timeline', since }) as Promise<MemberTimeline>;
  }

  /** Closes the bots (they vanish, like killed tabs) and ends the process. */
  async close(): Promise<void> {
    if (this.#child.exitCode === null) await this.#request({ cmd: 'close' }).catch(() => {});
    process.removeListener('exit', this.#kill);
    if (this.#child.connected) this.#child.disconnect();
  }

  readonly #kill = () => this.#child.kill('SIGKILL');

  #request(command: MemberRequest): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, (reply) => (reply.error === undefined ? resolve(reply.result) : reject(new Error(reply.error))));
      this.#child.send({ ...command, id });
    });
  }
}

/** Resolves once every member of these processes is at the same epoch with `size` members. */
export async function converged(
  processes: MemberProcess[],
  size: number,
  timeoutMs = 300_000,
): Promise<{ epoch: number; rejoins: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = (await Promise.all(processes.map((p) => p.state()))).flat();
    const epoch = states[0]?.epoch;
    if (epoch != null && states.every((s) => s.epoch === epoch && s.members === size)) {
      return { epoch, rejoins: states.reduce((n, s) => n + s.rejoins, 0) };
    }
    if (Date.now() > deadline) {
      const seen = states.map((s) => `${s.epoch ?? '-'}/${s.members}`).join(' ');
      throw new Error(`the MLS group of ${size} did not converge: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
