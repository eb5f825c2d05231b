import { describe, expect, it } from 'vitest';
import { Bot } from '../../bench/bot/bot.ts';
import { useServer } from '../support/environment.ts';

const METRICS_PORT = 18_000 + Math.floor(Math.random() * 900);

/** /metrics for the operator on loopback only; the public /health says only "ok". */
describe('metrics and health', () => {
  const env = useServer({ metricsPort: METRICS_PORT });

  it('serves Prometheus metrics on 127.0.0.1 only, with meetings, members, packets and the process', async () => {
    const options = { serverUrl: env.server.url, room: 'metrics-room', videoBitrate: 100_000, fps: 10 };
    for (const name of ['a', 'b']) env.bots.push(await Bot.join({ ...options, name }));
    await new Promise((r) => setTimeout(r, 1500));
    const response = await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/^sotto_rooms 1$/m);
    expect(text).toMatch(/^sotto_members 2$/m);
    expect(text).toMatch(/^sotto_publishers 4$/m);
    expect(text).toMatch(/^sotto_signaling_sockets 2$/m);
    const forwarded = Number(/^sotto_packets_forwarded_total (\d+)$/m.exec(text)?.[1]);
    expect(forwarded).toBeGreaterThan(50);
    expect(Number(/^sotto_bytes_forwarded_total (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(forwarded * 20);
    expect(text).toMatch(/^sotto_packets_lost_total \d+$/m);
    expect(text).toMatch(/^sotto_retransmissions_total \d+$/m);
    for (const processMetric of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds'])
      expect(text).toContain(processMetric);
    expect(text).not.toContain('metrics-room');

    // Counters never go down, also when the meeting ends.
    for (const bot of env.bots.splice(0)) await bot.leave();
    await new Promise((r) => setTimeout(r, 300));
    const after = await (await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`)).text();
    expect(after).toMatch(/^sotto_rooms 0$/m);
    expect(Number(/^sotto_packets_forwarded_total (\d+)$/m.exec(after)?.[1])).toBeGreaterThanOrEqual(forwarded);
  });

  it('is not on the public port, and /health tells nothing but ok', async () => {
    expect(await (await fetch(`${env.server.url}/metrics`)).text()).not.toContain('sotto_rooms');
    expect(await (await fetch(`${env.server.url}/health`)).json()).toEqual({ status: 'ok' });
    // The metrics listener refuses anything but /metrics.
    expect((await fetch(`http://127.0.0.1:${METRICS_PORT}/`)).status).toBe(404);
  });
});
