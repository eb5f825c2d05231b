import { webcrypto } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import type { CertificatePair } from './certificate-info.ts';
import { canonicalName, describeCertificate } from './certificate-info.ts';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const LIFETIME_DAYS = 365;
/** A stored certificate is made anew this close to its end. */
const RENEW_DAYS_BEFORE = 30;

/** The folder under the state folder that keeps the self-signed certificate and its key. */
export const selfSignedDir = (stateDir: string) => join(stateDir, 'tls');

/** The stored self-signed certificate, if one was made. */
export const storedSelfSigned = (dir: string) => readStored(join(dir, 'self-signed.crt'), join(dir, 'self-signed.key'));

/** The names a self-signed certificate covers: localhost, this host's name, the domain, every local address. */
export function selfSignedNames(domain: string | undefined): string[] {
  const names = new Set(['localhost', hostname().toLowerCase(), '127.0.0.1', '::1']);
  if (domain) names.add(domain.toLowerCase());
  for (const list of Object.values(networkInterfaces()))
    for (const entry of list ?? []) if (!entry.address.startsWith('fe80:')) names.add(entry.address);
  return [...names];
}

/**
 * An ECDSA P-256 certificate for `names`, kept in `dir`: the stored one while it covers every
 * name and has a month left (so its fingerprint stays the same across restarts), else a new one.
 */
export async function selfSignedCertificate(dir: string, names: string[]): Promise<CertificatePair> {
  const certPath = join(dir, 'self-signed.crt');
  const keyPath = join(dir, 'self-signed.key');
  const stored = readStored(certPath, keyPath);
  if (stored) {
    const info = describeCertificate(stored.cert);
    const fresh = info.notAfter.getTime() - Date.now() > RENEW_DAYS_BEFORE * 86_400_000;
    if (fresh && names.every((name) => info.names.includes(canonicalName(name)))) return stored;
  }
  const pair = await createSelfSigned(names);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(keyPath, pair.key, { mode: 0o600 });
  writeFileSync(certPath, pair.cert, { mode: 0o644 });
  return pair;
}

function readStored(certPath: string, keyPath: string): CertificatePair | null {
  try {
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  } catch {
    return null;
  }
}

async function createSelfSigned(names: string[]): Promise<CertificatePair> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000); // a little slack for clocks behind ours
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^[89a-f]/, '7'),
    name: `CN=${names[0] === 'localhost' ? (names[1] ?? 'localhost') : names[0]}, O=Sotto self-signed`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + LIFETIME_DAYS * 86_400_000),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        names.map((value) => ({ type: isIP(value) ? ('ip' as const) : ('dns' as const), value })),
      ),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { cert: cert.toString('pem'), key: toPem(pkcs8, 'PRIVATE KEY') };
}

function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
