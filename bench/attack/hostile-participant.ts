import { buildNack, buildPli } from '../../packages/server/src/sfu/rtp/rtcp.ts';
import { MAX_FEEDBACK_PACKETS } from '../../packages/server/src/sfu/rtp/transport-cc.ts';
import { Bot } from '../bot/bot.ts';

/** Audio sequence numbers jump this far per packet: every packet claims 199 lost before it. */
export const HOSTILE_AUDIO_STEP = 200;

/** What the attacker sent and what the server gave back. */
export interface HostileStats {
  rtcpPackets: number;
  rtcpBytes: number;
  /** Sequence numbers asked for again in all the NACKs. */
  nackedSequences: number;
  /** Packets the transport-cc feedbacks claimed to report on. */
  feedbackEntries: number;
  /** RTX retransmissions the server sent us in answer, and their bytes. */
  retransmissions: number;
  retransmittedBytes: number;
}

/**
 * A member who joins like anyone else and then attacks the SFU from inside the meeting: its
 * audio sequence jumps by 200 per packet, and it floods the server with RTCP on its receive
 * connection — NACKs for every packet it got, transport-cc feedback of the largest size the
 * parser takes (4096 "not received" entries in 24 bytes), and key-frame requests.
 */
export class HostileParticipant {
  readonly bot: Bot;
  readonly #packetsPerSecond: number;
  #timer: NodeJS.Timeout | null = null;
  #feedbackCount = 0;
  #retransmissions0 = 0;
  #retransmittedBytes0 = 0;
  readonly stats: HostileStats = {
    rtcpPackets: 0,
    rtcpBytes: 0,
    nackedSequences: 0,
    feedbackEntries: 0,
    retransmissions: 0,
    retransmittedBytes: 0,
  };

  private constructor(bot: Bot, packetsPerSecond: number) {
    this.bot = bot;
    this.#packetsPerSecond = packetsPerSecond;
  }

  /** Joins `room` (audio only, with the hostile sequence); `packetsPerSecond` of each RTCP kind once started. */
  static async join(serverUrl: string, room: string, packetsPerSecond: number): Promise<HostileParticipant> {
    const bot = await Bot.join({
      serverUrl,
      room,
      name: 'attacker',
      videoBitrate: 0,
      audioSequenceStep: HOSTILE_AUDIO_STEP,
    });
    return new HostileParticipant(bot, packetsPerSecond);
  }

  start(): void {
    this.#retransmissions0 = this.bot.retransmitted.length;
    this.#retransmittedBytes0 = this.bot.retransmittedBytes;
    const tickMs = 10;
    const perTick = Math.max(1, Math.round((this.#packetsPerSecond * tickMs) / 1000));
    this.#timer = setInterval(() => {
      for (let i = 0; i < perTick; i++) this.#sendFloods();
    }, tickMs);
  }

  stop(): HostileStats {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.stats.retransmissions = this.bot.retransmitted.length - this.#retransmissions0;
    this.stats.retransmittedBytes = this.bot.retransmittedBytes - this.#retransmittedBytes0;
    return this.stats;
  }

  /** One NACK, one transport-cc feedback and one PLI, about a video stream we receive. */
  #sendFloods(): void {
    const videos = [...this.bot.received.values()].filter((s) => s.kind === 'video');
    const slot = this.bot.slots.find((s) => s.kind === 'video');
    if (!videos.length || !slot) return;
    const stream = videos[this.stats.rtcpPackets % videos.length] as (typeof videos)[number];
    // Everything we received lately, again: the 64 packets before the newest.
    const lost = Array.from({ length: 64 }, (_, i) => (stream.lastSequence - 63 + i) & 0xffff);
    this.stats.nackedSequences += lost.length;
    this.#send(slot.mid, buildNack(1, stream.ssrc, lost));
    this.#send(slot.mid, largestFeedback(this.#feedbackCount++ & 0xff, stream.lastSequence, stream.ssrc));
    this.stats.feedbackEntries += MAX_FEEDBACK_PACKETS;
    this.#send(slot.mid, buildPli(1, stream.ssrc));
  }

  #send(mid: string, packet: Buffer): void {
    try {
      this.bot.sendRtcp(mid, packet);
      this.stats.rtcpPackets++;
      this.stats.rtcpBytes += packet.length;
    } catch {
      // the track is not open yet, or went away with a renegotiation
    }
  }

  close(): void {
    this.stop();
    this.bot.close();
  }
}

/**
 * A transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) that
 * reports MAX_FEEDBACK_PACKETS packets as not received with a single run-length chunk: 24 bytes.
 */
function largestFeedback(feedbackCount: number, baseSequence: number, mediaSsrc: number): Buffer {
  const b = Buffer.alloc(24);
  b[0] = 0x80 | 15;
  b[1] = 205;
  b.writeUInt16BE(24 / 4 - 1, 2);
  b.writeUInt32BE(1, 4);
  // Like Chrome's, about one of the streams it receives (the engine hands RTCP to tracks by SSRC).
  b.writeUInt32BE(mediaSsrc >>> 0, 8);
  b.writeUInt16BE(baseSequence & 0xffff, 12);
  b.writeUInt16BE(MAX_FEEDBACK_PACKETS, 14);
  b[19] = feedbackCount;
  // Run-length chunk: T=0, symbol 0 (not received), run of MAX_FEEDBACK_PACKETS.
  b.writeUInt16BE(MAX_FEEDBACK_PACKETS & 0x1fff, 20);
  return b;
}
