import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ServiceTotals } from '../conference/conference-service.ts';

export interface MetricsSource {
  totals(): ServiceTotals;
  sockets(): number;
}

/**
 * Prometheus metrics: meetings, members, sockets and publishers now; packets received, lost,
 * forwarded (and bytes) and retransmitted since start; and the process (CPU, RSS, event-loop delay). Counts only — never a room
 * name, a display name or an address.
 */
export function createMetrics(source: MetricsSource): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge('sotto_rooms', 'Meetings running now', () => source.totals().rooms);
  gauge('sotto_members', 'Participants in meetings now', () => source.totals().members);
  gauge('sotto_publishers', 'Sources (microphones, cameras, screens) published now', () => source.totals().publishers);
  gauge('sotto_signaling_sockets', 'Signaling sockets open now', () => source.sockets());
  // Counters follow totals that only grow: each scrape adds what came since the last one.
  const counter = (name: string, help: string, read: () => number) => {
    let seen = 0;
    return new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const now = read();
        if (now > seen) this.inc(now - seen);
        seen = now;
      },
    });
  };
  const traffic = () => source.totals().traffic;
  counter('sotto_packets_received_total', 'RTP packets the SFU received from publishers', () => traffic().packetsIn);
  counter('sotto_packets_lost_total', 'RTP packets publishers sent that did not arrive', () => traffic().packetsLost);
  counter('sotto_packets_forwarded_total', 'RTP packets the SFU sent to receivers', () => traffic().packetsOut);
  counter('sotto_bytes_forwarded_total', 'Bytes of RTP the SFU sent to receivers', () => traffic().bytesOut);
  counter('sotto_retransmissions_total', 'Packets resent to receivers after a NACK', () => traffic().retransmissions);
  return registry;
}

/**
 * Serves /metrics on its own listener, bound to loopback only: the figures are for the operator
 * (a Prometheus on the same machine, or a tunnel), never for the public port.
 */
export async function startMetricsServer(port: number, registry: Registry): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}
