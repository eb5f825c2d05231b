import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { PROTOCOL_VERSION } from '@sotto/protocol';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/environment.ts';
import { RawSocket } from '../support/raw-socket.ts';

const SECRET = 'a test secret that is long enough for HS256 tokens';
const AUDIENCE = 'sotto';
let nextId = 10;
const id = () => nextId++;

/** A token as an organisation's app would mint one (Jitsi's claims). */
function mint(
  claims: { room?: string; name?: string; moderator?: boolean; aud?: string; exp?: number | string; nbf?: number | string } = {},
  key: Uint8Array | CryptoKey = new TextEncoder().encode(SECRET),
  alg = 'HS256',
): Promise<string> {
  const jwt = new SignJWT({
    room: claims.room ?? '*',
    context: { user: { ...(claims.name ? { name: claims.name } : {}), moderator: claims.moderator ?? false } },
  })
    .setProtectedHeader({ alg })
    .setIssuer('school-app')
    .setSubject('meet.example.org')
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? '10m');
  if (claims.nbf !== undefined) jwt.setNotBefore(claims.nbf);
  return jwt.sign(key);
}

async function joinWith(serverUrl: string, room: string, token?: string, name = 'Someone') {
  const socket = await RawSocket.open(serverUrl);
  await socket.request({ type: 'hello', id: id(), protocol: PROTOCOL_VERSION });
  const reply = await socket.request({ type: 'join', id: id(), room, name, ...(token ? { token } : {}) });
  return {
    socket,
    reply: reply as { type: string; code?: string; message?: string; result?: { self: { role: string; name: string } } },
  };
}

describe('room tokens: a token for everyone (HS256)', () => {
  const env = useServer({ auth: 'all', jwtSecret: SECRET, jwtAudience: AUDIENCE });

  it('refuses no token, an expired one, one not valid yet, another audience, another room and a forged one, each saying why', async () => {
    const url = env.server.url;
    const cases: [string | undefined, string, RegExp][] = [
      [undefined, 'token-required', /needs a token to join/],
      [await mint({ exp: Math.floor(Date.now() / 1000) - 60 }), 'token-invalid', /expired/],
      [await mint({ nbf: Math.floor(Date.now() / 1000) + 3600 }), 'token-invalid', /not valid yet/],
      [await mint({ aud: 'another-app' }), 'token-invalid', /another audience/],
      [await mint({ room: 'other-room' }), 'token-invalid', /another meeting/],
      [await mint({}, new TextEncoder().encode('not the secret, but just as long as it'), 'HS256'), 'token-invalid', /signature/],
    ];
    for (const [token, code, why] of cases) {
      const { socket, reply } = await joinWith(url, 'class-7b', token);
      expect(reply.code, String(why)).toBe(code);
      expect(reply.message).toMatch(why);
      socket.ws.close();
    }
  });

  it('a valid token joins; its moderator flag gives the role and its name is the one shown; without the flag, no role', async () => {
    const teacher = await joinWith(
      env.server.url,
      'class-7c',
      await mint({ room: 'class-7c', name: 'Ms Rivera', moderator: true }),
      'typed name',
    );
    expect(teacher.reply.result?.self).toMatchObject({ role: 'moderator', name: 'Ms Rivera' });
    const pupil = await joinWith(env.server.url, 'class-7c', await mint({ room: '*' }), 'Sam');
    expect(pupil.reply.result?.self).toMatchObject({ role: 'participant', name: 'Sam' });
    // Only tokens make moderators here: the first without the flag is not one.
    const alone = await joinWith(env.server.url, 'class-7d', await mint({}), 'First');
    expect(alone.reply.result?.self.role).toBe('participant');
    for (const s of [teacher, pupil, alone]) s.socket.ws.close();
  });
});

describe('room tokens: a token to start a meeting, guests join (RS256 and ES256 keys in a JWKS file)', () => {
  const folder = mkdtempSync(joinPath(tmpdir(), 'sotto-jwks-'));
  const jwksFile = joinPath(folder, 'jwks.json');
  const keys = Promise.all([generateKeyPair('RS256'), generateKeyPair('ES256')]).then(async ([rs, es]) => {
    const jwks = {
      keys: [
        { ...(await exportJWK(rs.publicKey)), kid: 'rs', alg: 'RS256' },
        { ...(await exportJWK(es.publicKey)), kid: 'es', alg: 'ES256' },
      ],
    };
    writeFileSync(jwksFile, JSON.stringify(jwks));
    return { rs, es };
  });
  const env = useServer({ auth: 'create', jwtJwks: jwksFile, jwtAudience: AUDIENCE });

  it('a guest cannot start a meeting; a token holder can (RS256), then guests join; ES256 works too', async () => {
    const { rs, es } = await keys;
    const guest = await joinWith(env.server.url, 'clinic-1');
    expect(guest.reply).toMatchObject({ code: 'token-required' });
    expect(guest.reply.message).toMatch(/to start a meeting/);
    const signed = (alg: 'RS256' | 'ES256', key: CryptoKey, kid: string) =>
      new SignJWT({ room: 'clinic-1', context: { user: { moderator: true } } })
        .setProtectedHeader({ alg, kid })
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(key);
    const doctor = await joinWith(env.server.url, 'clinic-1', await signed('RS256', rs.privateKey, 'rs'), 'Dr Okafor');
    expect(doctor.reply.result?.self.role).toBe('moderator');
    const patient = await joinWith(env.server.url, 'clinic-1', undefined, 'Patient');
    expect(patient.reply.result?.self.role).toBe('participant');
    const nurse = await joinWith(env.server.url, 'clinic-1', await signed('ES256', es.privateKey, 'es'), 'Nurse');
    expect(nurse.reply.result?.self.role).toBe('moderator');
    // A token signed with a key this server does not have is refused.
    const stranger = await generateKeyPair('ES256');
    const forged = await joinWith(env.server.url, 'clinic-1', await signed('ES256', stranger.privateKey, 'es'), 'Forger');
    expect(forged.reply).toMatchObject({ code: 'token-invalid' });
    for (const s of [guest, doctor, patient, nurse, forged]) s.socket.ws.close();
  });
});

describe('room tokens: open meetings', () => {
  const env = useServer({ jwtSecret: SECRET });

  it('anyone joins without a token; a token still makes a moderator; a bad token is refused, not ignored', async () => {
    const first = await joinWith(env.server.url, 'open-room');
    expect(first.reply.result?.self.role).toBe('moderator');
    const second = await joinWith(env.server.url, 'open-room', await mint({ moderator: true }));
    expect(second.reply.result?.self.role).toBe('moderator');
    const bad = await joinWith(env.server.url, 'open-room', 'not.a.token');
    expect(bad.reply).toMatchObject({ code: 'token-invalid' });
    for (const s of [first, second, bad]) s.socket.ws.close();
  });
});
