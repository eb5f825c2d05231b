import type { ServerMessage } from '@sotto/protocol';
import { describe, expect, it } from 'vitest';
import { Meeting } from './helpers/mls-meeting.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every message to `who` arrives `ms` late, in order (a slow device or link). */
function delay(meeting: Meeting, who: string, ms: number): void {
  let passing = false;
  meeting.drop = (to: string, message: ServerMessage) => {
    if (to !== who || passing) return false;
    setTimeout(() => {
      passing = true;
      meeting.deliver(to, message);
      passing = false;
    }, ms);
    return true;
  };
}

/**
 * At the size meetings are meant for: a member that falls behind costs at most its own rejoin,
 * never a cascade of epochs (the small version is in hostile-delivery.test.ts).
 */
describe('a member falling behind in a 50-member meeting', () => {
  it('late, or missing a commit, it costs at most its own rejoin', async () => {
    const meeting = new Meeting();
    let rejoins = 0;
    const join = async (id: string) => (await meeting.join(id)).on('rejoining', () => rejoins++);
    for (let i = 0; i < 50; i++) await join(`m${i}`);
    let epoch = Number((await meeting.converged(60_000))[0]?.epoch);

    // m20 gets everything a second late while three more join, one by one.
    delay(meeting, 'm20', 1000);
    for (const id of ['n1', 'n2', 'n3']) {
      await join(id);
      await sleep(100);
    }
    let keys = await meeting.converged(60_000);
    meeting.drop = null;
    expect(Number(keys[0]?.epoch) - epoch).toBeLessThanOrEqual(3);
    expect(rejoins).toBe(0);
    epoch = Number(keys[0]?.epoch);

    // m30 loses one commit: it rejoins once, folded into the next commit.
    let dropped = 0;
    meeting.drop = (to, message) => to === 'm30' && message.type === 'mls-commit' && dropped++ === 0;
    await join('n4');
    while (!dropped) await sleep(5);
    meeting.drop = null;
    await join('n5');
    keys = await meeting.converged(60_000);
    expect(Number(keys[0]?.epoch) - epoch).toBeLessThanOrEqual(3);
    expect(rejoins).toBe(1);
    expect(meeting.refusals).toEqual([]);
    expect(keys[0]?.members).toHaveLength(55);
  }, 120_000);
});
