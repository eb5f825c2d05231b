import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConferenceService } from './conference/conference-service.ts';
import type { ServerConfig } from './config.ts';
import { createHttpApp } from './http/http-app.ts';
import { createMetrics, startMetricsServer } from './http/metrics.ts';
import { log } from './log.ts';
import { Engine } from './sfu/engine/engine.ts';
import { checkMediaPort } from './sfu/engine/media-port.ts';
import { SignalingServer } from './signaling/signaling-server.ts';

export const SERVER_VERSION = '0.1.0';

export interface RunningServer {
  /** Base URL, e.g. http://localhost:8080 */
  url: string;
  port: number;
  conference: ConferenceService;
  signaling: SignalingServer;
  close(): Promise<void>;
}

/** Starts the whole server in this process: web app, signaling and SFU. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  await checkMediaPort(config.mediaPort);
  const engine = new Engine({ mediaPort: config.mediaPort, publicIp: config.publicIp });
  const conference = new ConferenceService(engine, {
    maxMembersPerRoom: config.maxMembersPerRoom,
    maxRooms: config.maxRooms,
    allowUnencrypted: config.allowUnencrypted,
    p2p: config.p2p,
    turn: config.turn,
    routing: { lastN: config.lastN, audioLastN: config.audioLastN },
  });
  const http = createServer(
    createHttpApp({
      webRoot: config.webRoot,
      clientConfig: () => ({ allowUnencrypted: config.allowUnencrypted, p2p: config.p2p, turn: config.turn !== undefined }),
    }),
  );
  const signaling = new SignalingServer(http, conference, {
    serverVersion: SERVER_VERSION,
    rateBurst: 60,
    ratePerSecond: 30,
    rateStrikes: 20,
    maxSockets: config.maxSockets,
    maxSocketsPerAddress: config.maxSocketsPerAddress,
    allowedOrigins: config.allowedOrigins,
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const metrics =
    config.metricsPort === undefined
      ? null
      : await startMetricsServer(
          config.metricsPort,
          createMetrics({ totals: () => conference.totals(), sockets: () => signaling.clientCount }),
        );
  log.info({ port, mediaPort: config.mediaPort }, 'server started');
  let closed = false;
  return {
    url: `http://localhost:${port}`,
    port,
    conference,
    signaling,
    async close() {
      if (closed) return;
      closed = true;
      // No newcomers; everyone still here is told the meeting ends, then their sockets close.
      signaling.stopAdmitting();
      conference.close();
      await new Promise((r) => setTimeout(r, 50)); // the `removed` events leave before the close frames
      signaling.close();
      http.closeAllConnections();
      metrics?.closeAllConnections();
      await Promise.all(
        [http, metrics].map((server) => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))),
      );
    },
  };
}
