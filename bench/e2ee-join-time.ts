import type { Bot } from './bot/bot.ts';
import type { E2eeJoinTiming } from './e2ee-join.ts';
import { groupConverged, joinE2eeBot, timeE2eeJoin } from './e2ee-join.ts';
import { median } from './process-usage.ts';
import { startSottoProcess } from './sotto-process.ts';

/**
 * The last member's join into an end-to-end encrypted meeting of `members` bots (MLS + SFrame,
 * the SDK's code): join request → Welcome processed → first decrypted video frame. The server runs
 * as its own process; the bots share this one (so the figure includes their MLS work).
 */
export async function measureE2eeJoin(
  members: number,
  runs: number,
): Promise<{ samples: E2eeJoinTiming[]; median: E2eeJoinTiming }> {
  const server = await startSottoProcess(18_580, 18_581);
  const samples: E2eeJoinTiming[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const options = { serverUrl: server.url, room: `e2ee-join-${run}` };
      const bots: Bot[] = [];
      try {
        for (let i = 0; i < members - 1; i++) bots.push(await joinE2eeBot(options, `bot${i}`));
        await groupConverged(bots);
        // Let the meeting settle (layers, key frames) before the measured join.
        await new Promise((r) => setTimeout(r, 2000));
        const { bot, timing } = await timeE2eeJoin(options, `bot${members - 1}`);
        bots.push(bot);
        samples.push(timing);
        console.log(
          `run ${run + 1}: keys ${timing.keysMs.toFixed(0)} ms, first decrypted frame ${timing.firstFrameMs.toFixed(0)} ms`,
        );
      } finally {
        for (const bot of bots) bot.close();
      }
    }
  } finally {
    await server.stop();
  }
  return {
    samples,
    median: { keysMs: median(samples.map((s) => s.keysMs)), firstFrameMs: median(samples.map((s) => s.firstFrameMs)) },
  };
}
