import { networkInterfaces } from 'node:os';

/**
 * This machine's first non-loopback IPv4 address (e.g. eth0's). Janus never gathers ICE
 * candidates on loopback, so its media must use this address; the traffic still stays inside
 * the machine.
 */
export function ownAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('no non-loopback IPv4 address on this machine: Janus cannot gather ICE candidates');
}
