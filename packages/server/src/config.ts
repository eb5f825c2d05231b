import * as v from 'valibot';

/** Host names as certificates carry them: letters, digits and hyphens in dot-separated labels. */
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

const Port = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));

export const ServerConfig = v.object({
  /** HTTP + WebSocket port. */
  port: Port,
  /** Address the HTTP server listens on. */
  host: v.pipe(v.string(), v.minLength(1, 'host must not be empty')),
  /** The one UDP port for all media. */
  mediaPort: Port,
  /** Address announced to browsers for media; unset = every local interface (localhost and LAN). */
  publicIp: v.optional(v.pipe(v.string(), v.ip('public-ip must be an IPv4 or IPv6 address'))),
  /** Largest meeting. */
  maxMembersPerRoom: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(1000)),
  /** Most videos one participant receives (last-N); -1 = all. */
  lastN: v.pipe(v.number(), v.integer(), v.minValue(-1), v.maxValue(1000)),
  /** Most audio streams one participant receives: the most recent speakers; -1 = all. */
  audioLastN: v.pipe(v.number(), v.integer(), v.minValue(-1), v.maxValue(1000)),
  /**
   * Media between two participants (docs/media-path.md): `off` = always through the server;
   * `relay` = peer to peer through TURN (no IP exposed); `direct` = peer to peer, each sees the
   * other's IP address.
   */
  p2p: v.picklist(['off', 'relay', 'direct'], 'p2p must be off, relay or direct'),
  /** An external TURN server with the TURN REST API's shared secret (coturn `use-auth-secret`). */
  turn: v.optional(
    v.object({
      urls: v.pipe(
        v.array(v.pipe(v.string(), v.regex(/^turns?:[^\s]+$/, 'TURN URLs look like turn:host:3478?transport=udp'))),
        v.minLength(1, 'give at least one TURN URL'),
      ),
      secret: v.pipe(v.string(), v.minLength(16, 'the TURN secret must be at least 16 characters')),
      /** Lifetime of the credentials handed to participants. */
      ttlSeconds: v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(7 * 86400)),
    }),
  ),
  /** Signaling sockets open at once, in total and from one address (docs/reliability.md). */
  maxSockets: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
  maxSocketsPerAddress: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
  /** Meetings at once. */
  maxRooms: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
  /** Page origins besides this server's own allowed to open a signaling socket (SDK apps elsewhere). */
  allowedOrigins: v.array(v.pipe(v.string(), v.url('allowed origins look like https://app.example.org'))),
  /**
   * Page origins that may embed the meeting in an iframe and drive it with the iframe API
   * (docs/embedding.md); the CSP's `frame-ancestors` follows. Empty: this server's own pages only.
   */
  embedOrigins: v.array(v.pipe(v.string(), v.url('embed origins look like https://school.example.org'))),
  /**
   * Room tokens (docs/auth.md): `open` = anyone may start and join (a token still gives the
   * moderator role); `create` = a token is needed to start a meeting, guests join running ones;
   * `all` = a token for everyone.
   */
  auth: v.picklist(['open', 'create', 'all'], 'auth must be open, create or all'),
  /** HS256 secret tokens are signed with. */
  jwtSecret: v.optional(v.pipe(v.string(), v.minLength(32, 'the token secret must be at least 32 characters'))),
  /** A JWKS file with the public keys tokens are signed with (RS256, ES256). */
  jwtJwks: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** The `aud` every token must carry. */
  jwtAudience: v.pipe(v.string(), v.minLength(1)),
  /** The `iss` every token must carry; unset = any. */
  jwtIssuer: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** Whether a meeting may be started without end-to-end encryption (docs/e2ee.md). */
  allowUnencrypted: v.boolean(),
  /** The built web app to serve. */
  webRoot: v.string(),
  /** Port of the Prometheus /metrics listener on 127.0.0.1; unset = no metrics. */
  metricsPort: v.optional(Port),
  /**
   * HTTPS (docs/tls.md): `off` = plain HTTP (for localhost, or behind a TLS reverse proxy);
   * `self-signed` = a certificate made here; `acme` = from Let's Encrypt or another ACME CA;
   * `files` = a certificate and key given as files.
   */
  tls: v.picklist(['off', 'self-signed', 'acme', 'files'], 'tls must be off, self-signed, acme or files'),
  /** This server's DNS name: the ACME certificate's name, a self-signed certificate's extra name. */
  domain: v.optional(v.pipe(v.string(), v.regex(DOMAIN_NAME, 'domain is a DNS name like meet.example.org'))),
  /** Certificate chain and private key (PEM) for `tls = files`; reloaded when they change. */
  tlsCert: v.optional(v.pipe(v.string(), v.minLength(1))),
  tlsKey: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** ACME directory URL and the contact address given to the CA (optional). */
  acmeDirectory: v.pipe(v.string(), v.url('acme-directory is a URL like https://acme-v02.api.letsencrypt.org/directory')),
  acmeEmail: v.optional(v.pipe(v.string(), v.email('acme-email is an e-mail address'))),
  /** Plain-HTTP listener that redirects to HTTPS and answers ACME HTTP-01 challenges; unset = none. */
  httpPort: v.optional(Port),
  /** Where the server keeps what it makes: certificates and the ACME account key. */
  stateDir: v.pipe(v.string(), v.minLength(1)),
});
export type ServerConfig = v.InferOutput<typeof ServerConfig>;

export class ConfigError extends Error {}

/** Validates a config, naming the bad key in the error. */
export function validateConfig(input: Record<string, unknown>): ServerConfig {
  const result = v.safeParse(ServerConfig, input);
  if (result.success) {
    if (result.output.p2p === 'relay' && !result.output.turn) {
      throw new ConfigError('invalid p2p: relay needs a TURN server (--turn-urls and --turn-secret)');
    }
    const { tls, domain, tlsCert, tlsKey, auth, jwtSecret, jwtJwks } = result.output;
    if (auth !== 'open' && !jwtSecret && !jwtJwks) {
      throw new ConfigError(`invalid auth: ${auth} needs a token secret (--jwt-secret) or keys (--jwt-jwks)`);
    }
    if (tls === 'acme' && !domain) throw new ConfigError('invalid domain: tls acme needs the DNS name (--domain)');
    if (tls === 'files' && !(tlsCert && tlsKey)) {
      throw new ConfigError('invalid tls-cert: tls files needs the certificate and key (--tls-cert and --tls-key)');
    }
    return result.output;
  }
  const issue = result.issues[0];
  const key = issue?.path?.map((p) => String(p.key)).join('.') ?? 'config';
  throw new ConfigError(`invalid ${key}: ${issue?.message ?? 'bad value'}`);
}
