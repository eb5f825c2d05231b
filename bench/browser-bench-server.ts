import { fileURLToPath } from 'node:url';
import type { RunningServer, ServerConfig } from '@sotto/server';
import { defaultConfig, startServer } from '@sotto/server';

/** The built web app the browser benchmarks load. */
export const WEB_ROOT = fileURLToPath(new URL('../packages/web/dist', import.meta.url));

/** A server in this process on loopback, serving the built app, for the benchmarks that drive browsers. */
export function startBrowserBenchServer(mediaPort: number, overrides: Partial<ServerConfig> = {}): Promise<RunningServer> {
  return startServer({
    ...defaultConfig(),
    port: 0,
    host: '127.0.0.1',
    mediaPort,
    publicIp: '127.0.0.1',
    webRoot: WEB_ROOT,
    ...overrides,
  });
}
