import { randomBytes } from 'node:crypto';
import type { IceServerInfo, P2pMode } from '@sotto/protocol';
import { strictest } from '@sotto/protocol';
import { RoomTokens } from '../auth/room-tokens.ts';
import { ProtocolError } from '../errors.ts';
import type { Engine } from '../sfu/engine/engine.ts';
import { NetworkProbe } from '../sfu/network-probe.ts';
import type { RouterOptions } from '../sfu/router.ts';
import { SdpError } from '../sfu/sdp/sdp-error.ts';
import type { Traffic } from '../sfu/traffic.ts';
import { addTraffic, noTraffic } from '../sfu/traffic.ts';
import { Room } from './room.ts';
import type { TurnSettings } from './turn-credentials.ts';
import { turnCredentials } from './turn-credentials.ts';

/** Connection tests (/doctor) at once. */
const MAX_PROBES = 32;

export interface ConferenceOptions {
  maxMembersPerRoom: number;
  /** Meetings at once; a new one beyond is refused (`server-busy`). */
  maxRooms: number;
  /** Whether a room may be created without end-to-end encryption (E2EE is on by default). */
  allowUnencrypted: boolean;
  /** The most peer to peer any room may use. */
  p2p: P2pMode;
  turn?: TurnSettings | undefined;
  routing: RouterOptions;
  /** Who may start and join meetings (docs/auth.md); absent: anyone, and no tokens taken. */
  tokens?: RoomTokens | undefined;
}

/** All live rooms, by name. Rooms exist only while someone is in them; nothing is stored. */
/** Meetings, participants and publishers now; the SFU's traffic since start. */
export interface ServiceTotals {
  rooms: number;
  members: number;
  publishers: number;
  traffic: Traffic;
}

export class ConferenceService {
  #closed = false;
  readonly #engine: Engine;
  readonly #options: ConferenceOptions;
  readonly #rooms = new Map<string, Room>();
  /** Packets of meetings that ended, so the totals never go down. */
  /** Traffic of meetings that ended (/metrics counters never go down). */
  readonly #ended = noTraffic();
  #probes = 0;

  /** Room tokens: who may start and join meetings, and who moderates. */
  readonly tokens: RoomTokens;

  constructor(engine: Engine, options: ConferenceOptions) {
    this.#engine = engine;
    this.#options = options;
    this.tokens = options.tokens ?? new RoomTokens({ mode: 'open', audience: 'sotto' });
  }

  get roomCount(): number {
    return this.#rooms.size;
  }

  /** Figures for /metrics: meetings and members now, packets since the server started. */
  totals(): ServiceTotals {
    const totals = { rooms: this.#rooms.size, members: 0, publishers: 0, traffic: addTraffic(noTraffic(), this.#ended) };
    for (const room of this.#rooms.values()) {
      const stats = room.stats();
      totals.members += stats.members;
      totals.publishers += stats.publishers;
      addTraffic(totals.traffic, stats.traffic);
    }
    return totals;
  }

  /**
   * A network probe for the /doctor page (no meeting needed), while fewer than MAX_PROBES run:
   * each holds a connection on the media port for up to half a minute.
   */
  async openProbe(offerSdp: string): Promise<{ probe: NetworkProbe; sdp: string }> {
    if (this.#closed) throw new ProtocolError('server-busy', 'the server is stopping; try again in a moment');
    if (this.#probes >= MAX_PROBES)
      throw new ProtocolError('server-busy', 'too many connection tests at once; try again shortly');
    this.#probes++;
    try {
      return await NetworkProbe.open(this.#engine, offerSdp, () => this.#probes--);
    } catch (error) {
      // A refused offer never became a probe; one that failed later has ended (and counted down).
      if (error instanceof SdpError) this.#probes--;
      throw error;
    }
  }

  /** TURN credentials for a connection test through the relay: one minute, a random id. */
  probeIceServers(): IceServerInfo[] {
    const turn = this.#options.turn;
    return turn ? [turnCredentials({ ...turn, ttlSeconds: 60 }, `probe-${randomBytes(6).toString('base64url')}`)] : [];
  }

  rooms(): IterableIterator<Room> {
    return this.#rooms.values();
  }

  /**
   * The room called `name`, created on first use. `e2ee` false asks for a new room without
   * end-to-end encryption, `p2p` restricts its media path; an existing room keeps its modes.
   */
  room(name: string, e2ee = true, p2p: P2pMode = 'off'): Room {
    if (this.#closed) throw new ProtocolError('server-busy', 'the server is stopping; try again in a moment');
    let room = this.#rooms.get(name);
    if (!room) {
      if (this.#rooms.size >= this.#options.maxRooms) {
        throw new ProtocolError('server-busy', 'this server hosts as many meetings as it can; try again later');
      }
      if (!e2ee && !this.#options.allowUnencrypted) {
        throw new ProtocolError('e2ee-required', 'this server only hosts end-to-end encrypted meetings');
      }
      const created = new Room(this.#engine, {
        maxMembers: this.#options.maxMembersPerRoom,
        e2ee,
        // The creator may restrict the meeting's media path further than the server does.
        p2p: strictest(this.#options.p2p, p2p),
        turn: this.#options.turn,
        routing: this.#options.routing,
        // With tokens required, only a token's moderator flag makes a moderator.
        autoModerator: this.tokens.mode === 'open',
        onEmpty: () => {
          if (this.#rooms.get(name) === created) this.#rooms.delete(name);
          addTraffic(this.#ended, created.stats().traffic);
        },
      });
      room = created;
      this.#rooms.set(name, room);
    }
    return room;
  }

  /** The room called `name` if it is running (a knock never creates one). */
  existingRoom(name: string): Room | undefined {
    return this.#rooms.get(name);
  }

  /** The room and member a resume token belongs to, while the member is still in it. */
  resume(token: string): { room: Room; memberId: string } | undefined {
    for (const room of this.#rooms.values()) {
      const member = room.memberByToken(token);
      if (member) return { room, memberId: member.id };
    }
    return undefined;
  }

  close(): void {
    this.#closed = true;
    for (const room of [...this.#rooms.values()]) room.close();
    this.#rooms.clear();
  }
}
