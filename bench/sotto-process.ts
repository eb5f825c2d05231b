import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface SottoProcessOptions {
  /** Modules to preload into the server (`--import`), e.g. the benchmark's tracing hooks. */
  preload?: readonly string[];
  /** Every line the server prints on stdout. */
  onLine?: (line: string) => void;
}

export interface SottoProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `sotto start` as its own process, so its CPU and memory can be measured alone.
 * `extraArgs` are further `sotto start` options (e.g. `--audio-last-n -1`).
 */
export async function startSottoProcess(
  port: number,
  mediaPort: number,
  extraArgs: readonly string[] = [],
  options: SottoProcessOptions = {},
): Promise<SottoProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ...(options.preload ?? []).flatMap((module) => ['--import', module]),
      'packages/server/src/cli/main.ts',
      'start',
      '--port',
      String(port),
      '--media-port',
      String(mediaPort),
      '--public-ip',
      '127.0.0.1',
      ...extraArgs,
    ],
    { cwd: ROOT, env: { ...process.env, SOTTO_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  // Never leave a server behind, even when the benchmark dies on an error.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exitedPromise;
    clearTimeout(timer);
  };
  await new Promise<void>((resolve, reject) => {
    let line = '';
    child.stdout?.on('data', (d) => {
      const lines = (line + d.toString()).split('\n');
      line = lines.pop() as string;
      for (const l of lines) {
        if (l.includes('Sotto is running')) resolve();
        options.onLine?.(l);
      }
    });
    child.once('exit', (code) => {
      process.removeListener('exit', killOnExit);
      reject(new Error(`sotto exited early (${code})`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid as number, stop };
}
