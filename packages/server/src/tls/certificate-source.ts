import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { ServerConfig } from '../config.ts';
import { log } from '../log.ts';
import type { AcmeChallenges } from './acme-certificate.ts';
import { AcmeCertificate, renewalTime } from './acme-certificate.ts';
import type { CertificatePair } from './certificate-info.ts';
import { checkPair } from './certificate-info.ts';
import { selfSignedCertificate, selfSignedDir, selfSignedNames } from './self-signed.ts';

/** The certificate the HTTPS server serves now, and news of the next one (renewed, or files replaced). */
export interface CertificateSource {
  current(): CertificatePair;
  onChange(listener: (pair: CertificatePair) => void): void;
  close(): void;
}

/** setTimeout's longest delay; later renewals are re-checked when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** After a failed renewal, the next attempt (the old certificate serves meanwhile). */
const RETRY_MS = 60 * 60 * 1000;
/** How often `files` mode looks at the files' modification times. */
const FILE_POLL_MS = 2000;

/** The certificate for the configured TLS mode; null for `off`. */
export async function openCertificateSource(config: ServerConfig, challenges: AcmeChallenges): Promise<CertificateSource | null> {
  switch (config.tls) {
    case 'off':
      return null;
    case 'self-signed':
      return fixed(await selfSignedCertificate(selfSignedDir(config.stateDir), selfSignedNames(config.domain)));
    case 'files':
      return watchedFiles(config.tlsCert as string, config.tlsKey as string);
    case 'acme':
      return renewing(acmeFor(config, challenges));
  }
}

/** The ACME certificate the configuration asks for (its stored copy is what `sotto doctor` reads). */
export function acmeFor(config: ServerConfig, challenges: AcmeChallenges = new Map()): AcmeCertificate {
  return new AcmeCertificate({
    directory: config.acmeDirectory,
    domain: config.domain as string,
    email: config.acmeEmail,
    stateDir: config.stateDir,
    challenges,
  });
}

class Listeners {
  #list: Array<(pair: CertificatePair) => void> = [];
  add(listener: (pair: CertificatePair) => void): void {
    this.#list.push(listener);
  }
  emit(pair: CertificatePair): void {
    for (const listener of this.#list) listener(pair);
  }
}

function fixed(pair: CertificatePair): CertificateSource {
  return { current: () => pair, onChange: () => {}, close: () => {} };
}

/** ACME: renewed two thirds into each certificate's lifetime, without a restart. */
async function renewing(acme: AcmeCertificate): Promise<CertificateSource> {
  let pair = await acme.current();
  const listeners = new Listeners();
  let timer: NodeJS.Timeout;
  const schedule = (delay: number) => {
    timer = setTimeout(renewIfDue, Math.max(0, Math.min(delay, MAX_TIMER_MS)));
    timer.unref();
  };
  async function renewIfDue(): Promise<void> {
    const due = renewalTime(pair.cert).getTime() - Date.now();
    if (due > 0) return schedule(due);
    try {
      pair = await acme.order();
      listeners.emit(pair);
      schedule(renewalTime(pair.cert).getTime() - Date.now());
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'ACME renewal failed; the current certificate stays, retrying in an hour');
      schedule(RETRY_MS);
    }
  }
  schedule(renewalTime(pair.cert).getTime() - Date.now());
  return {
    current: () => pair,
    onChange: (listener) => listeners.add(listener),
    close: () => clearTimeout(timer),
  };
}

/** `files`: the given certificate and key, served anew when either file changes and the pair matches. */
function watchedFiles(certPath: string, keyPath: string): CertificateSource {
  const read = (): CertificatePair => {
    const pair = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
    checkPair(pair);
    return pair;
  };
  let pair = read();
  const listeners = new Listeners();
  const reload = () => {
    try {
      const next = read();
      if (next.cert === pair.cert && next.key === pair.key) return;
      pair = next;
      listeners.emit(pair);
      log.info('TLS certificate files changed: serving the new certificate');
    } catch (error) {
      // Often a renewal tool halfway through writing the two files: the next poll sees both.
      log.warn({ err: (error as Error).message }, 'TLS certificate files unusable; the previous certificate stays');
    }
  };
  for (const path of [certPath, keyPath]) watchFile(path, { interval: FILE_POLL_MS }, reload).unref();
  return {
    current: () => pair,
    onChange: (listener) => listeners.add(listener),
    close: () => {
      unwatchFile(certPath, reload);
      unwatchFile(keyPath, reload);
    },
  };
}
