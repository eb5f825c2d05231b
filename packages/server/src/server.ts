import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { RoomTokens } from './auth/room-tokens.ts';
import { ConferenceService } from './conference/conference-service.ts';
import type { ServerConfig } from './config.ts';
import { createHttpApp } from './http/http-app.ts';
import { createMetrics, startMetricsServer } from './http/metrics.ts';
import { redirectToHttps } from './http/redirect-to-https.ts';
import { log } from './log.ts';
import { Engine } from './sfu/engine/engine.ts';
import { checkMediaPort } from './sfu/engine/media-port.ts';
import { SignalingServer } from './signaling/signaling-server.ts';
import type { AcmeChallenges } from './tls/acme-certificate.ts';
import type { CertificateSource } from './tls/certificate-source.ts';
import { openCertificateSource } from './tls/certificate-source.ts';

export const SERVER_VERSION = '0.1.0';

export interface RunningServer {
  /** Base URL, e.g. http://localhost:8080, or https://meet.example.org with TLS and a domain. */
  url: string;
  port: number;
  /** The certificate source with TLS on (its current certificate is what HTTPS serves). */
  certificates: CertificateSource | null;
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
    tokens: new RoomTokens({
      mode: config.auth,
      secret: config.jwtSecret,
      jwksFile: config.jwtJwks,
      audience: config.jwtAudience,
      issuer: config.jwtIssuer,
    }),
  });
  const challenges: AcmeChallenges = new Map();
  // The plain-HTTP side comes first: an ACME CA checks it before the first certificate exists.
  const plain =
    config.tls !== 'off' && config.httpPort !== undefined
      ? await listen(redirectToHttps({ domain: config.domain, httpsPort: config.port, challenges }), config.httpPort, config.host)
      : null;
  let certificates: CertificateSource | null;
  try {
    certificates = await openCertificateSource(config, challenges);
  } catch (error) {
    plain?.close();
    throw error;
  }
  // As origins (scheme, host, port): what browsers compare in frame-ancestors and postMessage.
  const embedOrigins = config.embedOrigins.map((url) => new URL(url).origin);
  const app = createHttpApp({
    webRoot: config.webRoot,
    clientConfig: () => ({
      allowUnencrypted: config.allowUnencrypted,
      p2p: config.p2p,
      turn: config.turn !== undefined,
      embedOrigins,
      auth: config.auth,
    }),
    hsts: config.tls === 'acme' || config.tls === 'files',
    embedOrigins,
  });
  const http = certificates ? createHttpsServer(certificates.current(), app) : createServer(app);
  certificates?.onChange((pair) => (http as ReturnType<typeof createHttpsServer>).setSecureContext(pair));
  const signaling = new SignalingServer(http, conference, {
    serverVersion: SERVER_VERSION,
    rateBurst: 60,
    ratePerSecond: 30,
    rateStrikes: 20,
    maxSockets: config.maxSockets,
    maxSocketsPerAddress: config.maxSocketsPerAddress,
    allowedOrigins: config.allowedOrigins,
  });
  try {
    await listen(http, config.port, config.host);
  } catch (error) {
    plain?.close();
    certificates?.close();
    throw error;
  }
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
  const scheme = certificates ? 'https' : 'http';
  const defaultPort = certificates ? 443 : 80;
  return {
    url: `${scheme}://${config.domain && certificates ? config.domain : 'localhost'}${port === defaultPort ? '' : `:${port}`}`,
    port,
    certificates,
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
      certificates?.close();
      for (const server of [http, metrics, plain]) server?.closeAllConnections();
      await Promise.all(
        [http, metrics, plain].map(
          (server) => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
        ),
      );
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
