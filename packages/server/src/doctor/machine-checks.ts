import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { ServerConfig } from '../config.ts';
import { checkMediaPort } from '../sfu/engine/media-port.ts';
import type { CheckResult } from './doctor.ts';

/** UDP receive buffer below which bursts of video are dropped by the kernel (2.5 MiB, as QUIC stacks advise). */
const MIN_RMEM_MAX = 2_500_000;

export async function tcpPort(config: ServerConfig, port = config.port, role = 'web and signaling'): Promise<CheckResult> {
  const name = `TCP port ${port} (${role})`;
  try {
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, config.host, () => server.close(() => resolve()));
    });
    return { status: 'pass', name, detail: `free and bindable on ${config.host}` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES')
      return {
        status: 'fail',
        name,
        detail: 'binding a port below 1024 needs a capability',
        fix: 'run as root, grant it (setcap cap_net_bind_service=+ep "$(command -v node)") or choose a port above 1024',
      };
    return {
      status: 'fail',
      name,
      detail: code === 'EADDRINUSE' ? 'in use by another program' : String(code),
      fix: `stop that program or choose another ${port === config.port ? '--port' : '--http-port'}`,
    };
  }
}

export async function udpPort(config: ServerConfig): Promise<CheckResult> {
  const name = `UDP port ${config.mediaPort} (media)`;
  try {
    await checkMediaPort(config.mediaPort);
    return { status: 'pass', name, detail: 'free and bindable; open it in the firewall for browsers to reach it' };
  } catch (error) {
    return { status: 'fail', name, detail: (error as Error).message, fix: 'stop that program or choose another --media-port' };
  }
}

export function announcedAddress(config: ServerConfig): CheckResult {
  const name = 'announced media address';
  const local = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((entry) => entry.address);
  if (!config.publicIp)
    return {
      status: 'pass',
      name,
      detail: `every local interface (${local.join(', ')}): right on localhost and a LAN`,
      fix: 'behind NAT (most cloud servers), set --public-ip to the public address',
    };
  if (local.includes(config.publicIp)) return { status: 'pass', name, detail: `${config.publicIp}, an address of this machine` };
  return {
    status: 'warn',
    name,
    detail: `${config.publicIp} is not an address of this machine`,
    fix: 'right only behind 1:1 NAT that forwards the media port to this machine; otherwise correct --public-ip',
  };
}

export function udpBuffers(): CheckResult {
  const name = 'kernel UDP receive buffer (net.core.rmem_max)';
  let value: number;
  try {
    value = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim());
  } catch {
    return {
      status: 'warn',
      name,
      detail: 'cannot be read here',
      fix: `make sure net.core.rmem_max is at least ${MIN_RMEM_MAX}`,
    };
  }
  if (value >= MIN_RMEM_MAX) return { status: 'pass', name, detail: `${value} bytes` };
  return {
    status: 'warn',
    name,
    detail: `${value} bytes: bursts of video may be dropped by the kernel`,
    fix: `sysctl -w net.core.rmem_max=${MIN_RMEM_MAX} (and put it in /etc/sysctl.d/ to keep it)`,
  };
}

export function clock(): CheckResult {
  const name = 'clock';
  try {
    const synced = execFileSync('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (synced === 'yes') return { status: 'pass', name, detail: 'synchronised (NTP)' };
    return {
      status: 'warn',
      name,
      detail: 'not synchronised',
      fix: 'enable time sync: timedatectl set-ntp true (TURN credentials and certificates depend on the time)',
    };
  } catch {
    return {
      status: 'warn',
      name,
      detail: `cannot tell whether it is synchronised (no timedatectl); it reads ${new Date().toISOString()}`,
      fix: 'make sure the system clock is kept in time (TURN credentials and certificates depend on it)',
    };
  }
}
