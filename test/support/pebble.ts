import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../packages/server/src/tls/self-signed.ts';
import { spawnUntilReady } from './spawned.ts';

export interface Pebble {
  /** The ACME directory URL to give Sotto. */
  directory: string;
  /** The certificate of pebble's own HTTPS listener: what a client of pebble must trust (NODE_EXTRA_CA_CERTS). */
  listenerCertFile: string;
  /** The root that pebble's issued certificates chain to (it makes a new one each start). */
  root(): Promise<string>;
  stop(): Promise<void>;
}

export interface PebbleOptions {
  /** Where pebble's validation authority looks for HTTP-01 answers (Sotto's --http-port). */
  httpPort: number;
  /** Lifetime of the certificates it issues. */
  validitySeconds: number;
  /** Free ports for pebble's ACME listener, its management API and the mock DNS server. */
  ports: [number, number, number];
}

/**
 * Debian's `pebble` ACME test CA, with `pebble-challtestsrv` as its DNS server so that every name
 * resolves to 127.0.0.1: Sotto's HTTP-01 answers are checked over loopback, no internet needed.
 */
export async function startPebble({ httpPort, validitySeconds, ports }: PebbleOptions): Promise<Pebble> {
  const [acmePort, managementPort, dnsPort] = ports;
  const dir = mkdtempSync(join(tmpdir(), 'sotto-pebble-'));
  const listener = await selfSignedCertificate(dir, ['localhost', '127.0.0.1']);
  const certFile = join(dir, 'self-signed.crt');
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${acmePort}`,
      managementListenAddress: `127.0.0.1:${managementPort}`,
      certificate: certFile,
      privateKey: join(dir, 'self-signed.key'),
      httpPort,
      tlsPort: 1, // TLS-ALPN-01 is not used
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
      certificateValidityPeriod: validitySeconds,
    },
  };
  writeFileSync(join(dir, 'pebble.json'), JSON.stringify(config));
  const dns = await spawnUntilReady(
    'pebble-challtestsrv',
    [
      '-defaultIPv4',
      '127.0.0.1',
      '-defaultIPv6',
      '',
      '-dns01',
      `127.0.0.1:${dnsPort}`,
      '-http01',
      '',
      '-https01',
      '',
      '-tlsalpn01',
      '',
      '-management',
      '127.0.0.1:0',
    ],
    /Starting challenge servers/i,
  );
  const pebble = await spawnUntilReady(
    'pebble',
    ['-config', join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`],
    /ACME directory available/i,
    {
      // No random waits before validation, and no nonce rejections: quick and deterministic.
      env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' },
    },
  ).catch(async (error) => {
    await dns.stop();
    throw error;
  });
  const agent = new Agent({ ca: listener.cert });
  return {
    directory: `https://127.0.0.1:${acmePort}/dir`,
    listenerCertFile: certFile,
    root: () => httpsText(`https://127.0.0.1:${managementPort}/roots/0`, agent),
    stop: async () => {
      await Promise.all([pebble.stop(), dns.stop()]);
    },
  };
}

function httpsText(url: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}
