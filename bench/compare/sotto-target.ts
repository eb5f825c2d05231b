import { readFileSync } from 'node:fs';
import { Bot } from '../bot/bot.ts';
import { ReceiveMeter } from '../metrics/receive-meter.ts';
import { freeTcpPort, freeUdpPort } from '../net/free-port.ts';
import { startSottoProcess } from '../sotto-process.ts';
import type { BenchTarget, RunningTarget } from './target.ts';

/**
 * Every bot gets every audio (the default audio-last-N of 8 would forward fewer streams than
 * Janus does), and a webinar of 51 fits (the default room limit is 50). Video last-N (16) is
 * above 9 already, and bots send no `view`, so everyone receives the smallest layer.
 */
export const SOTTO_BENCH_ARGS = ['--audio-last-n=-1', '--max-members=100'] as const;

const ROOM = 'bench-compare';

export const sottoTarget: BenchTarget = {
  name: 'sotto',
  describe() {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return `Sotto ${version} (sotto start ${SOTTO_BENCH_ARGS.join(' ')}), bots on 127.0.0.1`;
  },
  async start(scenario): Promise<RunningTarget> {
    const server = await startSottoProcess(await freeTcpPort(), await freeUdpPort(), SOTTO_BENCH_ARGS);
    const bots: Bot[] = [];
    const meters: ReceiveMeter[] = [];
    const close = async () => {
      for (const bot of bots) bot.close();
      await server.stop();
    };
    try {
      for (let i = 0; i < scenario.publishers; i++) {
        const meter = scenario.publishersReceive ? new ReceiveMeter() : null;
        if (meter) meters.push(meter);
        bots.push(await Bot.join({ serverUrl: server.url, room: ROOM, name: `pub${i}`, simulcast: true, meter }));
      }
      for (let i = 0; i < scenario.listeners; i++) {
        const meter = new ReceiveMeter();
        meters.push(meter);
        bots.push(
          await Bot.join({ serverUrl: server.url, room: ROOM, name: `viewer${i}`, videoBitrate: 0, audio: false, meter }),
        );
      }
    } catch (error) {
      await close();
      throw error;
    }
    return { pid: server.pid, meters, close };
  },
};
