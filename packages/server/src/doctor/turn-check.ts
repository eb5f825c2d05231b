import { turnCredentials } from '../conference/turn-credentials.ts';
import type { ServerConfig } from '../config.ts';
import { parseTurnUrl, TurnClient } from '../turn/turn-client.ts';
import type { CheckResult } from './doctor.ts';

/**
 * Each configured TURN server is asked for a relay with the credentials Sotto would hand a member:
 * that proves the server answers on that transport and shares the secret (and the clock).
 */
export async function turnServers(turn: NonNullable<ServerConfig['turn']>): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const url of turn.urls) results.push(await turnServer(turn, url));
  return results;
}

async function turnServer(turn: NonNullable<ServerConfig['turn']>, url: string): Promise<CheckResult> {
  const name = `TURN ${url}`;
  const credentials = turnCredentials(turn, 'sotto-doctor');
  let client: TurnClient | undefined;
  try {
    client = await TurnClient.open(parseTurnUrl(url));
    const result = await client.allocate({ username: credentials.username ?? '', password: credentials.credential ?? '' });
    if (result.ok) return { status: 'pass', name, detail: 'answers and gives a relay for Sotto’s credentials' };
    return {
      status: 'fail',
      name,
      detail: `refused: ${result.code} ${result.reason}`,
      fix:
        result.code === 401
          ? 'the TURN secret differs from coturn’s static-auth-secret (use-auth-secret), or one of the clocks is off'
          : 'see coturn’s log for why',
    };
  } catch (error) {
    return {
      status: 'fail',
      name,
      detail: (error as Error).message,
      fix: 'is coturn running, listening on that port and transport, reachable through the firewall (and, for turns:, is its certificate valid for that name)?',
    };
  } finally {
    client?.close();
  }
}
