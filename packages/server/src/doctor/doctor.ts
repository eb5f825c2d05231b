import type { ServerConfig } from '../config.ts';
import { certificate } from './certificate-check.ts';
import { domainAddress } from './dns-check.ts';
import { announcedAddress, clock, tcpPort, udpBuffers, udpPort } from './machine-checks.ts';
import { turnServers } from './turn-check.ts';

export interface CheckResult {
  status: 'pass' | 'warn' | 'fail';
  name: string;
  detail: string;
  /** What to do about a warning or a failure. */
  fix?: string;
}

/** `sotto doctor`: what stands between this machine and a working meeting, each check with the fix. */
export async function runDoctor(config: ServerConfig): Promise<CheckResult[]> {
  return [
    await tcpPort(config),
    ...(config.tls !== 'off' && config.httpPort !== undefined
      ? [await tcpPort(config, config.httpPort, 'plain HTTP: redirect and ACME challenges')]
      : []),
    await udpPort(config),
    announcedAddress(config),
    ...(config.domain ? [await domainAddress(config, config.domain)] : []),
    ...(config.tls !== 'off' ? [certificate(config)] : []),
    ...(config.turn ? await turnServers(config.turn) : []),
    udpBuffers(),
    clock(),
  ];
}

/** The report a person reads: one line per check, the fix under each warning or failure. */
export function formatDoctor(results: CheckResult[]): string {
  const lines = results.flatMap((r) => [
    `${r.status.toUpperCase().padEnd(4)}  ${r.name}: ${r.detail}`,
    ...(r.fix && r.status !== 'pass' ? [`      fix: ${r.fix}`] : []),
  ]);
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  lines.push(
    '',
    failed ? `${failed} check(s) failed.` : warned ? `No failures; ${warned} warning(s).` : 'Everything checked is fine.',
  );
  return `${lines.join('\n')}\n`;
}
