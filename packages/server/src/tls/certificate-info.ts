import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIPv6 } from 'node:net';

/** A certificate chain and its private key, both PEM: what a TLS server needs. */
export interface CertificatePair {
  cert: string;
  key: string;
}

export interface CertificateInfo {
  /** SHA-256 of the leaf certificate, as browsers show it (AB:CD:…). */
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  /** Subject alternative names: DNS names and IP addresses, in `canonicalName` form. */
  names: string[];
}

/** What the leaf (first) certificate of a PEM chain says about itself. */
export function describeCertificate(pem: string): CertificateInfo {
  const cert = new X509Certificate(pem);
  return {
    fingerprint: cert.fingerprint256,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    names: (cert.subjectAltName ?? '')
      .split(', ')
      .map((entry) => canonicalName(entry.replace(/^(DNS|IP Address):/, '')))
      .filter(Boolean),
  };
}

/** Throws unless the key is the certificate's own (a half-replaced pair must not be served). */
export function checkPair(pair: CertificatePair): void {
  const cert = new X509Certificate(pair.cert);
  if (!cert.checkPrivateKey(createPrivateKey(pair.key))) throw new Error('the private key does not belong to the certificate');
}

/** Whole days from `now` until the certificate expires (negative once it has). */
export function daysLeft(info: CertificateInfo, now = new Date()): number {
  return Math.floor((info.notAfter.getTime() - now.getTime()) / 86_400_000);
}

/** Lower case, and IPv6 addresses written out in full (`::1` → `0:0:0:0:0:0:0:1`, as X.509 text shows them). */
export function canonicalName(name: string): string {
  if (!isIPv6(name)) return name.toLowerCase();
  const [head = '', tail] = name.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((group) => Number.parseInt(group, 16).toString(16)).join(':');
}
