import { startServer } from '../server.ts';
import { configFromArgs, USAGE } from './options.ts';

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
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
      'Browsers allow camera and microphone only on localhost or over HTTPS.\n\n',
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

main();
