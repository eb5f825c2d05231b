import { fileURLToPath } from 'node:url';
import type { RunningServer, ServerConfig } from '@sotto/server';
import { defaultConfig, startServer } from '@sotto/server';

// Below the kernel's ephemeral range (32768+), so no outgoing socket can hold the port. Every test
// port stays below it: media ports 20000-29999 here; each file that needs fixed ports has its own
// range in 11000-19999 (acme 11xxx, tls-modes 12xxx, doctor 13xxx, udp-blocked 14xxx, the Debian
// package 15xxx, reverse proxies 16xxx, p2p relay 17xxx, metrics 18xxx, embedding pages 19xxx) or
// 30000-32767 (cli).
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
