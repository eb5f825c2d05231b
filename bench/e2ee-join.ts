import { Bot } from './bot/bot.ts';

export interface E2eeJoinTiming {
  /** join request sent → MLS Welcome processed (this member holds the epoch's keys). */
  keysMs: number;
  /** join request sent → first remote video frame decrypted. */
  firstFrameMs: number;
}

export interface E2eeBotOptions {
  serverUrl: string;
  room: string;
  videoBitrate?: number;
  fps?: number;
  audio?: boolean;
  /** Decrypt received media (default true; see BotOptions.decryptMedia). */
  decryptMedia?: boolean;
}

/** Joins an end-to-end encrypted bot and waits until it holds the group's keys. */
export async function joinE2eeBot(options: E2eeBotOptions, name: string): Promise<Bot> {
  const bot = await Bot.join({
    serverUrl: options.serverUrl,
    room: options.room,
    name,
    videoBitrate: options.videoBitrate ?? 150_000,
    fps: options.fps ?? 10,
    audio: options.audio ?? false,
    keyFrameIntervalMs: 2000,
    e2ee: true,
    decryptMedia: options.decryptMedia ?? true,
  });
  return bot;
}

/** Resolves once every bot is at the same epoch with `bots.length` members. */
export async function groupConverged(bots: readonly Bot[], timeoutMs = 60_000): Promise<bigint> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const epochs = bots.map((b) => b.e2ee?.latest);
    const first = epochs[0];
    if (first && epochs.every((k) => k && k.epoch === first.epoch && k.members.length === bots.length)) return first.epoch;
    if (Date.now() > deadline) {
      const seen = epochs.map((k) => (k ? `${k.epoch}/${k.members.length}` : '-')).join(' ');
      throw new Error(`the MLS group did not converge: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Joins one more member into a running E2EE meeting and times its way to the first decrypted frame. */
export async function timeE2eeJoin(
  options: E2eeBotOptions,
  name: string,
  timeoutMs = 30_000,
): Promise<{ bot: Bot; timing: E2eeJoinTiming }> {
  const bot = await joinE2eeBot(options, name);
  const deadline = Date.now() + timeoutMs;
  while (!bot.e2ee?.firstVideoAt) {
    if (Date.now() > deadline) throw new Error(`${name} decrypted no video within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const e2ee = bot.e2ee;
  return {
    bot,
    timing: { keysMs: e2ee.keysAt - bot.joinStartedAt, firstFrameMs: e2ee.firstVideoAt - bot.joinStartedAt },
  };
}
