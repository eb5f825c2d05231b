/**
 * "A harness feeds mutated SDP to the engine in a child process to catch native crashes": the
 * SDP corpora's inputs, mutated, go to child.ts one at a time. When the child dies of a signal
 * (SIGSEGV, SIGABRT, ...) or exits, or hangs past the deadline, the input in flight is saved to
 * fuzz/crashes/sdp-engine/ — with whether checkRemoteSdp would let it reach the engine at all —
 * and a fresh child takes over. The engine's own code is native, so this fuzzing is blind
 * (no coverage); the structural check in front of it is what the coverage-guided targets cover.
 */
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { withoutCandidates } from '../../packages/server/src/sfu/sdp/candidates.ts';
import { checkRemoteSdp } from '../../packages/server/src/sfu/sdp/check-remote-sdp.ts';
import { preparePublishOffer } from '../../packages/server/src/sfu/sdp/publish-offer.ts';
import { FUZZ_DIR, readCorpus, saveCrash } from '../corpus.ts';
import { mutate } from '../mutate.ts';
import { Random } from '../random.ts';
import { seedsFor } from '../seeds.ts';
import { TARGETS } from '../targets.ts';
import type { HarnessReply, HarnessRequest } from './child.ts';

export interface HarnessOptions {
  inputs: number;
  seed: number;
  save: boolean;
  /** Per input; gathering on loopback takes milliseconds, the engine's own timeout is 5 s. */
  deadlineMs?: number;
  log?: (line: string) => void;
  /** Inputs sent before the mutants (the harness's own test injects one that aborts the child). */
  inject?: Array<{ kind: 'offer' | 'answer'; data: Buffer }>;
  selfTest?: boolean;
}

export interface HarnessResult {
  executions: number;
  /** Inputs the engine applied without error. */
  accepted: number;
  /** Inputs our structural check lets through. */
  checked: number;
  crashes: number;
  /** Crashes whose input passes checkRemoteSdp: these could reach the engine from a client. */
  crashesPastCheck: number;
  restarts: number;
  ms: number;
}

const CHILD = join(FUZZ_DIR, 'sdp-engine-harness', 'child.ts');
/** A fresh child now and then, so that anything the engine leaks per connection stays small. */
const INPUTS_PER_CHILD = 2000;

class Child {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiting: ((reply: HarnessReply) => void) | null = null;

  constructor(port: number, selfTest: boolean) {
    this.process = fork(CHILD, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        SOTTO_HARNESS_PORT: String(port),
        SOTTO_LOG_LEVEL: 'silent',
        SOTTO_HARNESS_SELF_TEST: selfTest ? '1' : '0',
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.process.stderr?.resume();
    this.process.on('message', (reply: HarnessReply) => {
      const waiting = this.#waiting;
      this.#waiting = null;
      waiting?.(reply);
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
  }

  next(): Promise<HarnessReply> {
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  send(request: HarnessRequest): Promise<HarnessReply> {
    const reply = this.next();
    this.process.send(request);
    return reply;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.disconnect();
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }
}

type Outcome =
  | { kind: 'reply'; reply: HarnessReply }
  | { kind: 'exit'; code: number | null; signal: string | null }
  | { kind: 'hang' };

export async function runEngineHarness(options: HarnessOptions): Promise<HarnessResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const deadline = options.deadlineMs ?? 8000;
  const random = new Random(options.seed);
  const pool = (target: string, kind: 'offer' | 'answer') => {
    const files = readCorpus(target).map((f) => f.data);
    const inputs = files.length ? files : Object.values(seedsFor(target));
    return inputs.map((data) => ({ kind, data }));
  };
  const corpus = [...pool('sdp-publish', 'offer'), ...pool('sdp-answer', 'answer')];
  const sdpTarget = TARGETS.find((t) => t.name === 'sdp-publish');
  const result: HarnessResult = { executions: 0, accepted: 0, checked: 0, crashes: 0, crashesPastCheck: 0, restarts: 0, ms: 0 };
  const started = performance.now();
  log(
    `\nsdp-engine: ${corpus.length} corpus inputs, ${options.inputs.toLocaleString('en')} mutated SDPs to node-datachannel in a child process`,
  );

  const spawn = async () => {
    const child = new Child(41000 + random.below(8000), options.selfTest ?? false);
    await child.next(); // ready
    return child;
  };
  let child = await spawn();
  let sinceSpawn = 0;
  let lastLog = performance.now();
  const injected = options.inject ?? [];
  for (let id = 0; id < injected.length + options.inputs; id++) {
    const base = injected[id] ?? random.pick(corpus);
    const data =
      id < injected.length || random.chance(0.05)
        ? base.data
        : mutate(base.data, {
            random,
            dictionary: sdpTarget?.dictionary ?? [],
            other: () => random.pick(corpus).data,
            maxLength: sdpTarget?.maxLength ?? 32768,
            text: true,
          });
    const raw = data.toString('utf8');
    // What passes our checks goes in the form the router hands on; the rest raw, to learn
    // what the engine itself would make of it.
    const production = productionForm(base.kind, raw);
    const passesCheck = production !== null;
    const sdp = production ?? raw;
    if (passesCheck) result.checked++;
    result.executions++;
    let timer: NodeJS.Timeout | undefined;
    const outcome: Outcome = await Promise.race([
      child.send({ id, kind: base.kind, sdp }).then((reply) => ({ kind: 'reply', reply }) as const),
      child.exited.then(({ code, signal }) => ({ kind: 'exit', code, signal }) as const),
      new Promise<Outcome>((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'hang' }), deadline);
      }),
    ]);
    clearTimeout(timer);
    if (outcome.kind === 'reply') {
      if (outcome.reply.accepted) result.accepted++;
    } else {
      result.crashes++;
      if (passesCheck) result.crashesPastCheck++;
      const what =
        outcome.kind === 'hang'
          ? `no answer within ${deadline} ms`
          : `child exited: code ${outcome.code}, signal ${outcome.signal}`;
      const report = `sdp-engine (${base.kind}): ${what}\npasses our checks (sent as the router would): ${passesCheck}\n`;
      const path = options.save ? saveCrash('sdp-engine', data, report) : '(not saved)';
      log(`  FAILURE ${what} (${base.kind}; passes our check: ${passesCheck})\n    input: ${path}`);
      if (outcome.kind === 'hang') child.process.kill('SIGKILL');
      await child.stop();
      child = await spawn();
      result.restarts++;
      sinceSpawn = 0;
      continue;
    }
    if (++sinceSpawn >= INPUTS_PER_CHILD) {
      await child.stop();
      child = await spawn();
      sinceSpawn = 0;
    }
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      log(`  … ${summary(result, started)}`);
    }
  }
  await child.stop();
  result.ms = performance.now() - started;
  log(`  done: ${summary(result, started)}`);
  return result;
}

/** The SDP the router would give the engine (sfu/router.ts publish, sfu/subscriber.ts applyAnswer), or null if refused. */
function productionForm(kind: 'offer' | 'answer', sdp: string): string | null {
  try {
    if (kind === 'answer') return checkRemoteSdp(sdp, { type: 'answer', mids: ['0', '1'] }).sdp;
    const checked = checkRemoteSdp(sdp, { type: 'offer', mediaSections: 1 });
    return withoutCandidates(preparePublishOffer(checked.sdp, 'VP8').sdp).sdp;
  } catch {
    return null;
  }
}

function summary(r: HarnessResult, started: number): string {
  const s = (performance.now() - started) / 1000;
  return `${r.executions.toLocaleString('en')} SDPs, ${r.accepted} applied by the engine, ${r.checked} pass our check, ${r.crashes} crashes/hangs (${r.crashesPastCheck} past our check), ${s.toFixed(0)} s (${Math.round(r.executions / s)}/s)`;
}
