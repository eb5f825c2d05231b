import type { ServerMessage } from '@sotto/protocol';
import { describe, expect, it } from 'vitest';
import { groupConverged, joinE2eeBot, timeE2eeJoin } from '../../bench/e2ee-join.ts';
import { fromBase64 } from '../../packages/client/src/e2ee/base64.ts';
import { mlsWireFormat } from '../../packages/client/src/e2ee/mls-group.ts';
import { useServer } from '../support/environment.ts';
import { until } from '../support/until.ts';

/** Every MLS payload in a server message, with the wire format it must have. */
function mlsPayloads(message: ServerMessage): Array<[string, string]> {
  switch (message.type) {
    case 'mls-task':
      return message.adds.map((a) => [a.keyPackage, 'mls_key_package']);
    case 'mls-commit':
      return [[message.commit, 'mls_private_message']];
    case 'mls-welcome':
      return [[message.welcome, 'mls_welcome']];
    case 'relay':
      return [[message.payload, 'mls_private_message']];
    default:
      return [];
  }
}

describe('a 25-participant end-to-end encrypted meeting (engine-level bots running MLS and SFrame)', () => {
  const env = useServer();
  const bots = env.bots;

  it('everyone shares one group and decrypts video; the server relays only MLS messages', async () => {
    const options = { serverUrl: env.server.url, room: 'e2ee-25' };
    for (let i = 0; i < 24; i++) bots.push(await joinE2eeBot(options, `bot${i}`));
    await groupConverged(bots);
    const { bot: last, timing } = await timeE2eeJoin(options, 'bot24');
    bots.push(last);
    const epoch = await groupConverged(bots);
    console.log(
      `25th member: keys ${timing.keysMs.toFixed(0)} ms, first decrypted video frame ${timing.firstFrameMs.toFixed(0)} ms after its join request (epoch ${epoch})`,
    );
    const authenticators = new Set(bots.map((b) => Buffer.from(b.e2ee?.latest?.authenticator ?? []).toString('hex')));
    expect(authenticators.size).toBe(1);

    await until('every bot decrypts video from others', () => bots.every((b) => (b.e2ee?.decryptedFrames ?? 0) > 20), 30_000);

    // Application data: only members can read it; the server saw ciphertext.
    const secret = 'the eagle lands at noon';
    const received: string[] = [];
    for (const bot of bots.slice(1))
      bot.e2ee?.agreement.on('message', (_from, data) => received.push(new TextDecoder().decode(data)));
    await bots[0]?.e2ee?.agreement.send(new TextEncoder().encode(secret));
    await until('every other bot decrypted the message', () => received.length === 24, 10_000);
    expect(new Set(received)).toEqual(new Set([secret]));

    let checked = 0;
    for (const bot of bots) {
      for (const message of bot.events) {
        expect(JSON.stringify(message)).not.toContain(secret);
        for (const [payload, format] of mlsPayloads(message)) {
          expect(mlsWireFormat(fromBase64(payload))).toBe(format);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(24 * 3);
  }, 180_000);
});
