import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const JANUS_BINARY = '/usr/bin/janus';

/** Installs Debian's janus package when it is missing (only Debian's mirrors are reachable here). */
export async function ensureJanusInstalled(): Promise<void> {
  if (existsSync(JANUS_BINARY)) return;
  console.error(`${JANUS_BINARY} is missing: running "apt-get install -y janus" (Debian's package, videoroom plugin included)`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn('apt-get', ['install', '-y', 'janus'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.once('error', () => resolve(null));
    child.once('exit', resolve);
  });
  if (code !== 0 || !existsSync(JANUS_BINARY)) {
    throw new Error(`could not install janus (apt-get exited with ${code}); install it by hand: apt-get install -y janus`);
  }
}

/** "1.1.2" from `janus --version`, which prints the version and then complains about the option. */
export function janusVersion(): string {
  const result = spawnSync(JANUS_BINARY, ['--version'], { encoding: 'utf8' });
  const match = /Janus version: \d+ \(([^)]+)\)/.exec(`${result.stdout}${result.stderr}`);
  if (!match?.[1]) throw new Error(`cannot read the Janus version from "${JANUS_BINARY} --version"`);
  return match[1];
}
