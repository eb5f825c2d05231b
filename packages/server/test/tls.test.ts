import { X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redirectToHttps } from '../src/http/redirect-to-https.ts';
import { renewalTime } from '../src/tls/acme-certificate.ts';
import { canonicalName, checkPair, describeCertificate } from '../src/tls/certificate-info.ts';
import { selfSignedCertificate, selfSignedNames } from '../src/tls/self-signed.ts';

describe('self-signed certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sotto-tls-'));

  it('is ECDSA P-256 for localhost, the host name, the domain and the local addresses', async () => {
    const names = selfSignedNames('meet.example.org');
    expect(names).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '::1', 'meet.example.org']));
    const pair = await selfSignedCertificate(dir, names);
    checkPair(pair);
    const cert = new X509Certificate(pair.cert);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const info = describeCertificate(pair.cert);
    for (const name of names) expect(info.names).toContain(canonicalName(name));
    expect(info.notAfter.getTime() - Date.now()).toBeGreaterThan(300 * 86_400_000);
  });

  it('is kept across restarts while it covers every name, made anew when a name is missing', async () => {
    const names = ['localhost', '::1'];
    const first = await selfSignedCertificate(dir, names);
    expect((await selfSignedCertificate(dir, names)).cert).toBe(first.cert);
    const widened = await selfSignedCertificate(dir, [...names, 'other.example.org']);
    expect(widened.cert).not.toBe(first.cert);
    expect(describeCertificate(widened.cert).names).toContain('other.example.org');
  });

  it('a key that is not the certificate’s is refused', async () => {
    const a = await selfSignedCertificate(mkdtempSync(join(tmpdir(), 'sotto-tls-')), ['localhost']);
    const b = await selfSignedCertificate(mkdtempSync(join(tmpdir(), 'sotto-tls-')), ['localhost']);
    expect(() => checkPair({ cert: a.cert, key: b.key })).toThrow(/does not belong/);
  });
});

describe('certificate details', () => {
  it('writes IPv6 addresses out in full, as X.509 text does', () => {
    expect(canonicalName('::1')).toBe('0:0:0:0:0:0:0:1');
    expect(canonicalName('FD00::2')).toBe('fd00:0:0:0:0:0:0:2');
    expect(canonicalName('2001:db8:0:0:1::')).toBe('2001:db8:0:0:1:0:0:0');
    expect(canonicalName('Meet.Example.ORG')).toBe('meet.example.org');
  });

  it('renewal falls two thirds into the lifetime', async () => {
    const pair = await selfSignedCertificate(mkdtempSync(join(tmpdir(), 'sotto-tls-')), ['localhost']);
    const { notBefore, notAfter } = describeCertificate(pair.cert);
    const at = renewalTime(pair.cert).getTime();
    expect((at - notBefore.getTime()) / (notAfter.getTime() - notBefore.getTime())).toBeCloseTo(2 / 3, 3);
  });
});

describe('plain HTTP beside HTTPS', () => {
  let server: ReturnType<typeof redirectToHttps> | undefined;
  afterEach(() => server?.close());

  async function start(domain: string | undefined, httpsPort: number) {
    const challenges = new Map([['token-1', 'token-1.thumbprint']]);
    server = redirectToHttps({ domain, httpsPort, challenges });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('answers ACME challenges it holds, and only those', async () => {
    const base = await start('meet.example.org', 443);
    const answer = await fetch(`${base}/.well-known/acme-challenge/token-1`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('token-1.thumbprint');
    expect((await fetch(`${base}/.well-known/acme-challenge/other`)).status).toBe(404);
  });

  it('redirects everything else to the same path over HTTPS on the domain', async () => {
    const base = await start('meet.example.org', 443);
    const res = await fetch(`${base}/room-name?x=1`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('https://meet.example.org/room-name?x=1');
  });

  it('without a domain: to the host asked for, with the HTTPS port; a Host that could inject is refused', async () => {
    const base = await start(undefined, 8443);
    const res = await getWithHost(`${base}/a`, 'box.lan:8080');
    expect(res.headers.location).toBe('https://box.lan:8443/a');
    expect((await getWithHost(`${base}/a`, 'evil.example/x')).statusCode).toBe(400);
  });
});

/** fetch() may not set Host; a plain request may, as any client on the network can. */
function getWithHost(url: string, host: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res);
    }).on('error', reject);
  });
}
