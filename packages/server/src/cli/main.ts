import { existsSync, writeFileSync } from 'node:fs';
import type { ServerConfig } from '../config.ts';
import { formatDoctor, runDoctor } from '../doctor/doctor.ts';
import { startServer } from '../server.ts';
import { describeCertificate } from '../tls/certificate-info.ts';
import { formatConfig, initialConfigText } from './config-file.ts';
import { configFromArgs, defaultConfig, USAGE } from './options.ts';
import { verifyServer } from './verify.ts';

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'init') {
    init(rest);
    return;
  }
  if (command === 'doctor') {
    await doctor(rest);
    return;
  }
  if (command === 'verify') {
    await verify(rest);
    return;
  }
  if (command !== 'start') {
    process.stdout.write(USAGE);
    process.exit(command === undefined || command === '--help' || command === '-h' ? 0 : 2);
  }
  let parsed: ReturnType<typeof configFromArgs>;
  try {
    parsed = configFromArgs(rest, process.env);
  } catch (error) {
    process.stderr.write(`sotto: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { config } = parsed;
  if (parsed.printConfig) {
    process.stdout.write(
      `# effective configuration${parsed.file ? ` (config file: ${parsed.file.path})` : ''}\n${formatConfig(config)}\n`,
    );
    return;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? ` (TCP port ${config.port} is in use; choose another with --port)` : '';
    process.stderr.write(`sotto: could not start: ${(error as Error).message}${hint}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `\nSotto is running. Open ${server.url}/ in a browser to start a meeting.\n` +
      `Media uses UDP port ${config.mediaPort}${config.publicIp ? ` announced as ${config.publicIp}` : ''}.\n` +
      `${tlsSummary(config, server.certificates?.current().cert)}\n\n`,
  );
  const stop = (): void => {
    // Sockets and peer connections are closed politely; the engine's own cleanup is skipped: it
    // waits for every connection's threads and was seen to hang at exit, and the process ends
    // here anyway. A watchdog guarantees the exit.
    setTimeout(() => process.exit(0), 5000).unref();
    server.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** One line on HTTPS; for a self-signed certificate its fingerprint, which people compare with what the browser shows. */
function tlsSummary(config: ServerConfig, cert: string | undefined): string {
  if (!cert) return 'Plain HTTP: browsers allow camera and microphone only on localhost (or behind an HTTPS proxy).';
  const info = describeCertificate(cert);
  const until = `valid until ${info.notAfter.toISOString().slice(0, 10)}`;
  if (config.tls === 'self-signed') {
    return `HTTPS with a self-signed certificate (${until}). Browsers warn about it; accept it only if it shows\nSHA-256 fingerprint ${info.fingerprint}`;
  }
  return `HTTPS with ${config.tls === 'acme' ? 'an ACME' : 'your'} certificate for ${info.names.join(', ')}, ${until}.`;
}

/** `sotto doctor [start's options]`: checks this machine against the configuration start would use. */
async function doctor(args: string[]): Promise<void> {
  let parsed: ReturnType<typeof configFromArgs>;
  try {
    parsed = configFromArgs(args, process.env);
  } catch (error) {
    process.stderr.write(`sotto: ${(error as Error).message}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(
      "Usage: sotto doctor [the options of sotto start]\nChecks ports, addresses, the domain's DNS, the TLS certificate, the TURN servers, UDP buffers\nand the clock; exits non-zero when a check fails.\n",
    );
    return;
  }
  const results = await runDoctor(parsed.config);
  process.stdout.write(formatDoctor(results));
  process.exitCode = results.some((r) => r.status === 'fail') ? 1 : 0;
}

/** `sotto verify URL [--web-root DIR]`: is the app a server serves this machine's build, byte for byte? */
async function verify(args: string[]): Promise<void> {
  const url = args.find((a) => !a.startsWith('-'));
  const rootAt = args.indexOf('--web-root');
  if (!url || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'Usage: sotto verify URL [--web-root DIR]\nCompares every file of the web app at URL with this build (default: the one beside this sotto);\nexits non-zero, naming the files, when they differ.\n',
    );
    process.exitCode = url ? 0 : 2;
    return;
  }
  const webRoot = rootAt >= 0 ? (args[rootAt + 1] ?? '') : defaultConfig().webRoot;
  try {
    const result = await verifyServer(url, webRoot);
    process.stdout.write(`${result.lines.join('\n')}\n`);
    process.exitCode = result.identical ? 0 : 1;
  } catch (error) {
    process.stderr.write(`sotto: could not verify ${url}: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}

/** `sotto init [--force] [PATH]`: writes the commented config file (./sotto.conf by default). */
function init(args: string[]): void {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'Usage: sotto init [--force] [PATH]\nWrites a commented config file (default ./sotto.conf); --force replaces one.\n',
    );
    return;
  }
  const path = args.find((a) => !a.startsWith('-')) ?? 'sotto.conf';
  if (existsSync(path) && !args.includes('--force')) {
    process.stderr.write(`sotto: ${path} exists already; keep it, or replace it with: sotto init --force\n`);
    process.exit(1);
  }
  writeFileSync(path, initialConfigText(), { mode: 0o600 });
  process.stdout.write(`Wrote ${path}. Edit it, then: sotto start${path === 'sotto.conf' ? '' : ` --config ${path}`}\n`);
}

main();
