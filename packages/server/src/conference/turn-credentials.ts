import { createHmac } from 'node:crypto';
import type { IceServerInfo } from '@sotto/protocol';

export interface TurnSettings {
  urls: string[];
  secret: string;
  ttlSeconds: number;
}

/**
 * Short-lived TURN credentials for one member (the "TURN REST API" of
 * draft-uberti-behave-turn-rest, as coturn's `use-auth-secret` checks them): the username is the
 * expiry time and the member's random id — never a name — and the password an HMAC of it with
 * the secret shared with the TURN server. Only joined members get them.
 */
export function turnCredentials(turn: TurnSettings, memberId: string, nowMs = Date.now()): IceServerInfo {
  const expiry = Math.floor(nowMs / 1000) + turn.ttlSeconds;
  const username = `${expiry}:${memberId}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { urls: turn.urls, username, credential };
}
