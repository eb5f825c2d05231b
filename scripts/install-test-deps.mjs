// Installs the Debian packages the tests need that this machine lacks: with apt-get directly as
// root (a fresh container or VPS has no sudo), through sudo otherwise.
import { execFileSync } from 'node:child_process';
import { missingPrerequisites } from './test-prerequisites.mjs';

const missing = missingPrerequisites().map((m) => m.pkg);
if (!missing.length) {
  console.log('Everything the tests need is installed.');
  process.exit(0);
}
const asRoot = process.getuid?.() === 0;
const run = (args) => {
  const [command, ...rest] = asRoot ? args : ['sudo', ...args];
  execFileSync(command, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
};
console.log(`Installing ${missing.join(', ')}${asRoot ? '' : ' (with sudo)'}…`);
run(['apt-get', 'update', '-qq']);
run(['apt-get', 'install', '-y', '-qq', ...missing]);
