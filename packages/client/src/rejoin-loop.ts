import { ConferenceError } from './errors.ts';
import { RequestError } from './signaling-client.ts';

/** How long a fresh rejoin (after the server let us go or restarted) may keep trying. */
export const REJOIN_DEADLINE_MS = 60_000;

/**
 * Runs `attempt` until it succeeds, once a second, for up to REJOIN_DEADLINE_MS while `wanted()`.
 * A refusal that trying again cannot fix (the server refused for another reason than being busy,
 * or a ConferenceError) ends it at once; `afterFailure` tidies up after each failed attempt.
 */
export async function keepTrying(attempt: () => Promise<void>, afterFailure: () => void, wanted: () => boolean): Promise<void> {
  const deadline = performance.now() + REJOIN_DEADLINE_MS;
  while (wanted() && performance.now() < deadline) {
    try {
      await attempt();
      return;
    } catch (error) {
      const refused = error instanceof RequestError && error.code !== 'server-busy';
      if (refused || error instanceof ConferenceError) throw error;
      afterFailure();
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  throw new ConferenceError('connection-lost', 'could not rejoin the meeting');
}
