import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort } from '../net/free-port.ts';
import type { JanusRoom } from './janus-config.ts';
import { writeJanusConfig } from './janus-config.ts';
import { JANUS_BINARY } from './janus-install.ts';

export interface JanusProcess {
  /** e.g. http://127.0.0.1:41234/janus */
  apiUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export interface JanusProcessOptions {
  iceAddress: string;
  eventLoops: number;
  room: JanusRoom;
}

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** The last lines Janus logged, for error messages. */
function logTail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts Janus from a generated config folder (a temp dir, removed on stop), waits until its
 * HTTP API answers, and makes sure it dies with this process.
 */
export async function startJanusProcess(options: JanusProcessOptions): Promise<JanusProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-bench-janus-'));
  const httpPort = await freeTcpPort();
  await writeJanusConfig({ dir, httpPort, ...options });
  const logPath = join(dir, 'janus.log');
  const log = openSync(logPath, 'w');
  const child = spawn(JANUS_BINARY, ['--config', join(dir, 'janus.jcfg'), '--configs-folder', dir], {
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exitedPromise;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const apiUrl = `http://127.0.0.1:${httpPort}/janus`;
  try {
    const deadline = performance.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (exited) throw new Error(`janus exited during start-up:\n${logTail(logPath)}`);
      if (performance.now() > deadline) throw new Error(`janus did not answer on ${apiUrl}/info:\n${logTail(logPath)}`);
      const ok = await fetch(`${apiUrl}/info`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrl, pid: child.pid as number, stop };
}
