import { readFileSync } from 'node:fs';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { createLocalJWKSet, errors, jwtVerify } from 'jose';
import { ProtocolError } from '../errors.ts';

/**
 * Who may create and join meetings (docs/auth.md): `open` — anyone (a token, if given, still
 * counts); `create` — a token is needed to start a meeting, guests join running ones; `all` — a
 * token for everyone.
 */
export type AuthMode = 'open' | 'create' | 'all';

export interface TokenSettings {
  mode: AuthMode;
  /** HS256 shared secret. */
  secret?: string | undefined;
  /** A JWKS file of public keys (RS256, ES256). */
  jwksFile?: string | undefined;
  /** The `aud` every token must carry. */
  audience: string;
  /** The `iss` every token must carry (unset: any). */
  issuer?: string | undefined;
}

/** What a valid token grants. */
export interface Grant {
  moderator: boolean;
  /** `context.user.name`: the name the meeting shows (null: the one the person typed). */
  name: string | null;
}

interface JitsiClaims extends JWTPayload {
  room?: unknown;
  context?: { user?: { name?: unknown; moderator?: unknown } };
}

/** Jitsi's token claims, checked with `jose`: signature, `exp`, `nbf`, `aud`, `iss`, then `room`. */
export class RoomTokens {
  readonly mode: AuthMode;
  readonly #key: Uint8Array | JWTVerifyGetKey | null;
  readonly #algorithms: string[];
  readonly #settings: TokenSettings;

  constructor(settings: TokenSettings) {
    this.mode = settings.mode;
    this.#settings = settings;
    if (settings.jwksFile) {
      this.#key = createLocalJWKSet(JSON.parse(readFileSync(settings.jwksFile, 'utf8')));
      this.#algorithms = ['RS256', 'ES256'];
    } else if (settings.secret) {
      this.#key = new TextEncoder().encode(settings.secret);
      this.#algorithms = ['HS256'];
    } else {
      this.#key = null;
      this.#algorithms = [];
    }
  }

  /**
   * Whether someone may join `room` (`exists`: it is running), and with what: null when no token
   * was needed and none given. Throws `token-required` or `token-invalid`, saying why.
   */
  async admit(token: string | undefined, room: string, exists: boolean): Promise<Grant | null> {
    if (token === undefined) {
      if (this.mode === 'all' || (this.mode === 'create' && !exists)) {
        throw new ProtocolError(
          'token-required',
          this.mode === 'all' ? 'this server needs a token to join a meeting' : 'this server needs a token to start a meeting',
        );
      }
      return null;
    }
    return this.verify(token, room);
  }

  async verify(token: string, room: string): Promise<Grant> {
    if (!this.#key) throw new ProtocolError('token-invalid', 'this server takes no tokens (no secret or keys configured)');
    let claims: JitsiClaims;
    try {
      const options = {
        audience: this.#settings.audience,
        algorithms: this.#algorithms,
        ...(this.#settings.issuer ? { issuer: this.#settings.issuer } : {}),
      };
      const verified =
        this.#key instanceof Uint8Array ? await jwtVerify(token, this.#key, options) : await jwtVerify(token, this.#key, options);
      claims = verified.payload as JitsiClaims;
    } catch (error) {
      throw new ProtocolError('token-invalid', `the token was refused: ${reason(error)}`);
    }
    if (claims.room !== '*' && claims.room !== room) {
      throw new ProtocolError(
        'token-invalid',
        `the token was refused: it is for another meeting (${String(claims.room ?? 'none')})`,
      );
    }
    const user = claims.context?.user;
    return {
      moderator: user?.moderator === true || user?.moderator === 'true',
      name: typeof user?.name === 'string' && user.name.trim() ? user.name.trim().slice(0, 64) : null,
    };
  }
}

function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'it is not valid yet';
    if (error.claim === 'aud') return 'it is for another audience';
    if (error.claim === 'iss') return 'it is from another issuer';
    return `its ${error.claim} claim is wrong`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not match';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'its algorithm is not accepted here';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of this server signed it';
  return 'it is not a valid token';
}
