import { fileURLToPath } from 'node:url';
import type { RunningServer, ServerConfig } from '@sotto/server';
import { defaultConfig, startServer } from '@sotto/server';

// Below the kernel's ephemeral range (32768+), so no outgoing socket can hold the port.
let nextMediaPort = 20000 + Math.floor(Math.random() * 9000);

/** A real server in this process on free ports, serving the built web app. */
export function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<RunningServer> {
  return startServer({
    ...defaultConfig(),
    port: 0,
    host: '127.0.0.1',
    mediaPort: nextMediaPort++,
    // Media stays on loopback in tests.
    publicIp: '127.0.0.1',
    webRoot: fileURLToPath(new URL('../../packages/web/dist', import.meta.url)),
    ...overrides,
  });
}
