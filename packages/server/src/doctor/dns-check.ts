import { lookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import type { ServerConfig } from '../config.ts';
import type { CheckResult } from './doctor.ts';

/** The domain resolves to the address browsers should reach: --public-ip, else one of this machine's. */
export async function domainAddress(config: ServerConfig, domain: string): Promise<CheckResult> {
  const name = `DNS for ${domain}`;
  let addresses: string[];
  try {
    addresses = (await lookup(domain, { all: true })).map((a) => a.address);
  } catch (error) {
    return {
      status: config.tls === 'acme' ? 'fail' : 'warn',
      name,
      detail: `does not resolve (${(error as NodeJS.ErrnoException).code})`,
      fix: `create an A (and AAAA) record for ${domain} pointing at ${config.publicIp ?? 'this server’s public address'}`,
    };
  }
  const expected = config.publicIp
    ? [config.publicIp]
    : Object.values(networkInterfaces())
        .flatMap((list) => list ?? [])
        .map((entry) => entry.address);
  const here = addresses.filter((a) => expected.includes(a));
  if (here.length > 0) return { status: 'pass', name, detail: `resolves to ${addresses.join(', ')}, this server` };
  return {
    status: 'warn',
    name,
    detail: `resolves to ${addresses.join(', ')}, not ${config.publicIp ? `--public-ip ${config.publicIp}` : 'an address of this machine'}`,
    fix: 'right only behind NAT or a proxy that forwards to this machine; otherwise correct the DNS record or --public-ip',
  };
}
