import { readFileSync } from 'node:fs';
import type { ServerConfig } from '../config.ts';
import type { CertificatePair } from '../tls/certificate-info.ts';
import { canonicalName, checkPair, daysLeft, describeCertificate } from '../tls/certificate-info.ts';
import { acmeFor } from '../tls/certificate-source.ts';
import { selfSignedDir, storedSelfSigned } from '../tls/self-signed.ts';
import type { CheckResult } from './doctor.ts';

/** Fewer days left than this on a CA's certificate means renewal is not happening (ACME renews with 30 left). */
const WARN_DAYS = 20;

/** The certificate `sotto start` would serve: readable, matching its key, covering the domain, not near its end. */
export function certificate(config: ServerConfig): CheckResult {
  const name = `TLS certificate (${config.tls})`;
  let pair: CertificatePair | null;
  try {
    pair =
      config.tls === 'files'
        ? { cert: readFileSync(config.tlsCert as string, 'utf8'), key: readFileSync(config.tlsKey as string, 'utf8') }
        : config.tls === 'acme'
          ? acmeFor(config).stored()
          : storedSelfSigned(selfSignedDir(config.stateDir));
    if (pair) checkPair(pair);
  } catch (error) {
    return {
      status: 'fail',
      name,
      detail: (error as Error).message,
      fix: 'give a PEM certificate chain and its own key (--tls-cert, --tls-key)',
    };
  }
  if (!pair) {
    return config.tls === 'acme'
      ? {
          status: 'warn',
          name,
          detail: 'none yet: sotto start asks the CA at its first start',
          fix: `the domain's DNS must point here and TCP port ${config.httpPort ?? 80} must be reachable from the internet`,
        }
      : { status: 'pass', name, detail: 'none yet: sotto start makes one and prints its fingerprint' };
  }
  const info = describeCertificate(pair.cert);
  const left = daysLeft(info);
  const until = `valid until ${info.notAfter.toISOString().slice(0, 10)} (${left} days left)`;
  if (left < 0)
    return { status: 'fail', name, detail: `expired on ${info.notAfter.toISOString().slice(0, 10)}`, fix: renewFix(config) };
  if (config.domain && config.tls !== 'self-signed' && !covers(info.names, config.domain)) {
    return {
      status: 'fail',
      name,
      detail: `does not name ${config.domain} (it names ${info.names.join(', ')})`,
      fix: renewFix(config),
    };
  }
  if (left < WARN_DAYS && config.tls !== 'self-signed') return { status: 'warn', name, detail: until, fix: renewFix(config) };
  return { status: 'pass', name, detail: `${until}; SHA-256 ${info.fingerprint}` };
}

/** An exact name, or a wildcard one level deep (*.example.org covers meet.example.org). */
function covers(names: string[], domain: string): boolean {
  const wanted = canonicalName(domain);
  return names.some((n) => n === wanted || (n.startsWith('*.') && wanted.slice(wanted.indexOf('.')) === n.slice(1)));
}

function renewFix(config: ServerConfig): string {
  return config.tls === 'acme'
    ? 'look at the log for the CA’s error; renewal needs the DNS pointing here and port 80 reachable'
    : 'install a renewed certificate (Sotto reloads the files when they change)';
}
