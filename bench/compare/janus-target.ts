import { cpus } from 'node:os';
import { JanusBot } from '../janus/janus-bot.ts';
import type { JanusRoom } from '../janus/janus-config.ts';
import { janusVersion } from '../janus/janus-install.ts';
import { startJanusProcess } from '../janus/janus-process.ts';
import { ReceiveMeter } from '../metrics/receive-meter.ts';
import { ownAddress } from '../net/own-address.ts';
import type { BenchTarget, RunningTarget } from './target.ts';

/** Room limits raised so they never shape the result: 100 publishers, a 10 Mbit/s REMB cap. */
const ROOM: JanusRoom = { id: 1234, publishers: 100, bitrate: 10_000_000 };

export const janusTarget: BenchTarget = {
  name: 'janus',
  describe() {
    return (
      `Janus ${janusVersion()} (videoroom plugin only, HTTP transport only on 127.0.0.1, event_loops = ${cpus().length}, ` +
      `debug_level = 3, no event handlers, no admin API, room publishers = ${ROOM.publishers}, bitrate = ${ROOM.bitrate / 1e6} Mbit/s, ` +
      `vp8/opus; ICE on ${ownAddress()} only), bots on ${ownAddress()}`
    );
  },
  async start(scenario): Promise<RunningTarget> {
    const address = ownAddress();
    const janus = await startJanusProcess({ iceAddress: address, eventLoops: cpus().length, room: ROOM });
    const bots: JanusBot[] = [];
    const meters: ReceiveMeter[] = [];
    const close = async () => {
      await Promise.all(bots.map((b) => b.close()));
      await janus.stop();
    };
    const join = async (name: string, publish: boolean, receives: boolean) => {
      const meter = receives ? new ReceiveMeter() : null;
      if (meter) meters.push(meter);
      const bot = await JanusBot.join({ apiUrl: janus.apiUrl, room: ROOM.id, name, bindAddress: address, publish, meter });
      bots.push(bot);
      return bot;
    };
    try {
      const publishers: JanusBot[] = [];
      for (let i = 0; i < scenario.publishers; i++) publishers.push(await join(`pub${i}`, true, scenario.publishersReceive));
      // Subscriptions once every feed is up: the same end state as Sotto's, where bots that join
      // later are added to everyone's receive connection.
      const feedsOf = (except: JanusBot | null) =>
        publishers.filter((p) => p !== except && p.feed).map((p) => p.feed as NonNullable<JanusBot['feed']>);
      if (scenario.publishersReceive) for (const p of publishers) await p.subscribe(feedsOf(p));
      for (let i = 0; i < scenario.listeners; i++) await (await join(`viewer${i}`, false, true)).subscribe(feedsOf(null));
    } catch (error) {
      await close();
      throw error;
    }
    return { pid: janus.pid, meters, close };
  },
};
