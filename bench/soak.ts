import { Bot } from './bot/bot.ts';
import { ReceiveMeter } from './metrics/receive-meter.ts';
import { freeTcpPort, freeUdpPort } from './net/free-port.ts';
import { median, rssMiB } from './process-usage.ts';
import type { Stall, Stay } from './soak/stall-watch.ts';
import { StallWatch } from './soak/stall-watch.ts';
import { startSottoProcess } from './sotto-process.ts';

/** What a soak must show (issue 9): memory growth after warm-up under this, and no errors or loss. */
export const SOAK_RSS_GROWTH_LIMIT_PERCENT = 10;

export interface SoakOptions {
  bots: number;
  /** Members per room. */
  roomSize: number;
  minutes: number;
  /** Minutes before the memory baseline is taken (allocations settle). */
  warmupMinutes: number;
  /** Every this many seconds one member leaves (politely or by vanishing, in turn) and a new one joins its room. */
  churnSeconds: number;
}

export interface SoakResult {
  /** Server RSS (MiB) every 10 s, from the start. */
  rssSamples: number[];
  /** Median RSS of the minute after warm-up, and of the last minute. */
  rssAfterWarmupMiB: number;
  rssAtEndMiB: number;
  rssGrowthPercent: number;
  /** Packets missing by sequence number over every received stream after warm-up, %. */
  lossPercent: number;
  packetsReceived: number;
  joins: number;
  leaves: number;
  /** Failed joins and requests, members removed by the server, server log lines at error level, a server exit. */
  errors: string[];
  stalls: Stall[];
  /** Media frames the decrypting members could not decrypt once they had keys, of those they tried. */
  decryptFailures: number;
  /** Every failure by SFrame error code, and 'before-keys': frames a newcomer got before its Welcome. */
  decryptFailuresByCode: Record<string, number>;
  decrypted: number;
  passed: boolean;
}

const SAMPLE_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `bots` members in rooms of `roomSize`, each sending 300 kbit/s VP8 (15 fps) and Opus, end-to-end
 * encrypted with the SDK's MLS and SFrame code (one member per room also decrypts everything it
 * receives), while members come and go; for `minutes`, with the server's RSS sampled throughout.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const errors: string[] = [];
  const server = await startSottoProcess(await freeTcpPort(), await freeUdpPort(), [], {
    onLine: (line) => {
      // pino levels: 50 error, 60 fatal.
      if (/"level":(50|60)/.test(line)) errors.push(`server: ${line.slice(0, 300)}`);
    },
  });
  const stays: Stay[] = [];
  const meters = new Map<Bot, ReceiveMeter>();
  const watch = new StallWatch(15_000);
  let measuring = false;
  let packets = 0;
  let expected = 0;
  let joins = 0;
  let leaves = 0;
  let decrypted = 0;
  let decryptFailures = 0;
  const decryptFailuresByCode: Record<string, number> = {};
  const rooms = Array.from({ length: Math.ceil(options.bots / options.roomSize) }, (_, i) => `soak-${i}`);

  const collect = (bot: Bot) => {
    const window = meters.get(bot)?.stop();
    meters.delete(bot);
    if (window && measuring) {
      packets += window.packets;
      expected += window.expected;
    }
    if (measuring && bot.e2ee && bot.options.decryptMedia) {
      decrypted += bot.e2ee.decryptedFrames;
      decryptFailures += bot.e2ee.failedFrames - (bot.e2ee.failures.get('before-keys') ?? 0);
      for (const [code, n] of bot.e2ee.failures) decryptFailuresByCode[code] = (decryptFailuresByCode[code] ?? 0) + n;
    }
  };
  const join = async (room: string, name: string, decrypts: boolean) => {
    const meter = new ReceiveMeter();
    if (measuring) meter.start();
    try {
      const bot = await Bot.join({
        serverUrl: server.url,
        room,
        name,
        videoBitrate: 300_000,
        fps: 15,
        e2ee: true,
        decryptMedia: decrypts,
        meter,
      });
      meters.set(bot, meter);
      stays.push({ bot, room, joinedAt: performance.now(), leftAt: 0 });
      joins++;
    } catch (error) {
      errors.push(`join ${name}: ${(error as Error).message}`);
    }
  };

  try {
    for (let i = 0; i < options.bots; i++) await join(rooms[i % rooms.length] as string, `bot${i}`, i < rooms.length);
    const startedAt = performance.now();
    const endAt = startedAt + options.minutes * 60_000;
    const warmupEndsAt = startedAt + options.warmupMinutes * 60_000;
    const rssSamples: number[] = [];
    let nextChurn = performance.now() + options.churnSeconds * 1000;
    let nextSample = performance.now() + SAMPLE_MS;
    let churned = 0;
    while (performance.now() < endAt) {
      await sleep(250);
      if (!measuring && performance.now() >= warmupEndsAt) {
        measuring = true;
        for (const meter of meters.values()) meter.start();
      }
      if (performance.now() >= nextSample) {
        nextSample += SAMPLE_MS;
        rssSamples.push(rssMiB(server.pid));
        watch.look(stays);
        for (const stay of stays) {
          if (stay.leftAt || !stay.bot.events.some((e) => e.type === 'removed')) continue;
          errors.push(`${stay.bot.options.name} was removed by the server`);
          stay.leftAt = performance.now();
          collect(stay.bot);
          stay.bot.close();
        }
      }
      if (performance.now() >= nextChurn) {
        nextChurn += options.churnSeconds * 1000;
        // The longest-present member leaves; a newcomer takes its place.
        const stay = stays.find((s) => !s.leftAt);
        if (!stay) continue;
        stay.leftAt = performance.now();
        collect(stay.bot);
        if (churned++ % 2 === 0) await stay.bot.leave();
        else stay.bot.close();
        leaves++;
        await join(stay.room, `bot${options.bots + churned}`, !!stay.bot.options.decryptMedia && !!stay.bot.e2ee);
      }
    }
    for (const stay of stays) if (!stay.leftAt) collect(stay.bot);
    const perMinute = 60_000 / SAMPLE_MS;
    const warmupSamples = Math.round(options.warmupMinutes * perMinute);
    const rssAfterWarmupMiB = median(rssSamples.slice(warmupSamples, warmupSamples + perMinute));
    const rssAtEndMiB = median(rssSamples.slice(-perMinute));
    const rssGrowthPercent = ((rssAtEndMiB - rssAfterWarmupMiB) / rssAfterWarmupMiB) * 100;
    const lossPercent = expected ? Math.max(0, ((expected - packets) / expected) * 100) : Number.NaN;
    return {
      rssSamples,
      rssAfterWarmupMiB,
      rssAtEndMiB,
      rssGrowthPercent,
      lossPercent,
      packetsReceived: packets,
      joins,
      leaves,
      errors,
      stalls: watch.stalls,
      decrypted,
      decryptFailures,
      decryptFailuresByCode,
      passed:
        rssGrowthPercent < SOAK_RSS_GROWTH_LIMIT_PERCENT &&
        errors.length === 0 &&
        watch.stalls.length === 0 &&
        packets === expected,
    };
  } finally {
    for (const stay of stays) stay.bot.close();
    await server.stop();
  }
}

export function formatSoak(r: SoakResult, options: SoakOptions): string {
  const lines = [
    `soak: ${options.bots} members in rooms of ${options.roomSize}, ${options.minutes} min, one leaves and one joins every ${options.churnSeconds} s`,
    `  server RSS: ${r.rssAfterWarmupMiB.toFixed(1)} MiB after ${options.warmupMinutes} min warm-up → ${r.rssAtEndMiB.toFixed(1)} MiB at the end (${r.rssGrowthPercent >= 0 ? '+' : ''}${r.rssGrowthPercent.toFixed(1)}%; samples every 10 s, min ${Math.min(...r.rssSamples).toFixed(0)}, max ${Math.max(...r.rssSamples).toFixed(0)})`,
    `  loss: ${r.lossPercent.toFixed(4)}% of ${r.packetsReceived} packets received after warm-up`,
    `  joins ${r.joins}, leaves ${r.leaves}`,
    `  frames decrypted by one member per room: ${r.decrypted}; failed once it had keys: ${r.decryptFailures} (${((r.decryptFailures / Math.max(1, r.decrypted)) * 100).toFixed(4)}%); by cause ${JSON.stringify(r.decryptFailuresByCode)} (before-keys: sent before this member was in the group)`,
    `  stalls (a member not getting video from someone settled in its room for 10 s): ${r.stalls.length}`,
    ...r.stalls.slice(0, 5).map((s) => `    ${s.receiver} in ${s.room}: ${s.flowing} of ${s.expected} videos flowing`),
    `  errors: ${r.errors.length}`,
    ...r.errors.slice(0, 10).map((e) => `    ${e}`),
    `  limits: RSS growth < ${SOAK_RSS_GROWTH_LIMIT_PERCENT}%, no errors, no stalls, no loss: ${r.passed ? 'held' : 'NOT HELD'}`,
  ];
  return lines.join('\n');
}
