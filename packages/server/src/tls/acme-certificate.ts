import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as acme from 'acme-client';
import { log } from '../log.ts';
import type { CertificatePair } from './certificate-info.ts';
import { describeCertificate } from './certificate-info.ts';

/** HTTP-01 answers by token, served on the plain-HTTP port at /.well-known/acme-challenge/TOKEN. */
export type AcmeChallenges = Map<string, string>;

export interface AcmeOptions {
  directory: string;
  domain: string;
  email: string | undefined;
  /** The state folder; account key and certificate live under acme/<directory's hash>/. */
  stateDir: string;
  challenges: AcmeChallenges;
}

// acme-client retries a CA that does not answer 5 times, 5 to 25 s apart: more than a minute of
// silence before `sotto start` can say what is wrong. Three tries 2 to 6 s apart; a renewal that
// fails is tried again an hour later anyway.
const acmeSettings = (acme.axios.defaults as unknown as { acmeSettings: { retryMaxAttempts: number; retryDefaultDelay: number } })
  .acmeSettings;
acmeSettings.retryMaxAttempts = 3;
acmeSettings.retryDefaultDelay = 2;

/** A certificate is renewed two thirds into its lifetime (Let's Encrypt's own advice for 90-day certificates). */
export function renewalTime(cert: string): Date {
  const { notBefore, notAfter } = describeCertificate(cert);
  return new Date(notBefore.getTime() + ((notAfter.getTime() - notBefore.getTime()) * 2) / 3);
}

/**
 * Certificates from an ACME CA over HTTP-01. The account key and the latest certificate are kept,
 * per CA, so a restart reuses them instead of asking the CA again (CAs rate-limit orders).
 */
export class AcmeCertificate {
  readonly #options: AcmeOptions;
  readonly #dir: string;

  constructor(options: AcmeOptions) {
    this.#options = options;
    const ca = createHash('sha256').update(options.directory).digest('hex').slice(0, 12);
    this.#dir = join(options.stateDir, 'acme', ca);
  }

  /** The stored certificate while it is not yet due for renewal, else a new one from the CA. */
  async current(now = new Date()): Promise<CertificatePair> {
    const stored = this.stored();
    if (stored && renewalTime(stored.cert) > now) return stored;
    return this.order();
  }

  /** Orders a certificate for the domain, answering the CA's HTTP-01 challenge. */
  async order(): Promise<CertificatePair> {
    try {
      return await this.#order();
    } catch (error) {
      throw new Error(`could not get a certificate from the ACME CA ${this.#options.directory}: ${(error as Error).message}`);
    }
  }

  async #order(): Promise<CertificatePair> {
    const { domain, email, challenges, directory } = this.#options;
    await reachable(directory);
    const client = new acme.Client({ directoryUrl: directory, accountKey: await this.#accountKey() });
    const [key, csr] = await acme.crypto.createCsr(
      { commonName: domain, altNames: [domain] },
      await acme.crypto.createPrivateEcdsaKey(),
    );
    log.info('asking the ACME CA for a certificate');
    const cert = await client.auto({
      csr,
      email,
      termsOfServiceAgreed: true,
      challengePriority: ['http-01'],
      // The CA checks from outside; checking from here first fails behind NAT without hairpinning.
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
        challenges.set(challenge.token, keyAuthorization);
      },
      challengeRemoveFn: async (_authz, challenge) => {
        challenges.delete(challenge.token);
      },
    });
    const pair = { cert, key: key.toString() };
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(this.#dir, `${domain}.key`), pair.key, { mode: 0o600 });
    writeFileSync(join(this.#dir, `${domain}.crt`), pair.cert, { mode: 0o644 });
    log.info({ notAfter: describeCertificate(cert).notAfter.toISOString() }, 'ACME certificate issued');
    return pair;
  }

  /** The certificate kept from the last order, if any. */
  stored(): CertificatePair | null {
    const { domain } = this.#options;
    try {
      return {
        cert: readFileSync(join(this.#dir, `${domain}.crt`), 'utf8'),
        key: readFileSync(join(this.#dir, `${domain}.key`), 'utf8'),
      };
    } catch {
      return null;
    }
  }

  async #accountKey(): Promise<string> {
    const path = join(this.#dir, 'account.key');
    try {
      return readFileSync(path, 'utf8');
    } catch {
      const key = (await acme.crypto.createPrivateEcdsaKey()).toString();
      mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
      writeFileSync(path, key, { mode: 0o600 });
      return key;
    }
  }
}

/** Fails with the reason when the CA's directory does not answer (acme-client's own error loses it). */
async function reachable(directory: string): Promise<void> {
  try {
    await fetch(directory, { signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`it does not answer (${cause?.code ?? cause?.message ?? (error as Error).message})`);
  }
}
