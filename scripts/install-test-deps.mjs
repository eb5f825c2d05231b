// Installs the Debian packages the tests need that this machine lacks: with apt-get directly as
// root (a fresh container or VPS has no sudo), through sudo otherwise.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

// nginx and Caddy are installed only for the tests to start their own, on test ports: their
// packages start and enable a service on port 80, which a test machine should not get.
const services = { 'nginx-light': 'nginx', caddy: 'caddy' };
const started = missing.filter((pkg) => pkg in services).map((pkg) => services[pkg]);
if (started.length && existsSync('/run/systemd/system')) {
  console.log(`Stopping and disabling the ${started.join(' and ')} service the packages started (the tests run their own).`);
  run(['systemctl', 'disable', '--now', ...started]);
}
