import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface SottoProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `sotto start` as its own process, so its CPU and memory can be measured alone. */
export async function startSottoProcess(port: number, mediaPort: number): Promise<SottoProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'packages/server/src/cli/main.ts',
      'start',
      '--port',
      String(port),
      '--media-port',
      String(mediaPort),
      '--public-ip',
      '127.0.0.1',
    ],
    { cwd: ROOT, env: { ...process.env, SOTTO_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d.toString();
      if (out.includes('Sotto is running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`sotto exited early (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid as number,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
