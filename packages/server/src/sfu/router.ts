import { EventEmitter } from 'node:events';
import type { SourceName } from './codecs.ts';
import { OPUS, VP8 } from './codecs.ts';
import type { Engine } from './engine/engine.ts';
import type { ConnectionState, EngineConnection } from './engine/engine-connection.ts';
import { isMediaDead } from './liveness.ts';
import { Publisher } from './publisher.ts';
import { preparePublishOffer } from './sdp/publish-offer.ts';
import { acceptSimulcast } from './sdp/simulcast-answer.ts';
import type { SlotInfo } from './subscriber.ts';
import { Subscriber } from './subscriber.ts';

export { SdpError } from './sdp/publish-offer.ts';

/** How long a connection may stay 'disconnected' before its member counts as gone. */
const DISCONNECTED_GRACE_MS = 5000;
const TICK_MS = 1000;

export interface RouterEvents {
  /** A member's receive connection needs (re)negotiation: send them this offer. */
  offer: [memberId: string, offer: { revision: number; sdp: string }];
  /** What a member's receive slots carry changed. */
  slots: [memberId: string, slots: SlotInfo[]];
  /** A member's media connection died (ICE failed, or disconnected for too long). */
  'member-lost': [memberId: string];
}

interface RoutedMember {
  subscriber: Subscriber;
  /** Published sources by name; the microphone is always present (on the receive connection). */
  publishers: Map<SourceName, Publisher>;
  /** Publish-only connections by video source. */
  publishConnections: Map<SourceName, EngineConnection>;
}

/**
 * The SFU for one room: who publishes what, who receives what. Every member receives every other
 * member's sources (smart routing refines this later); this class owns all media objects of the
 * room and releases them when members leave.
 */
export class Router extends EventEmitter<RouterEvents> {
  readonly #engine: Engine;
  readonly #members = new Map<string, RoutedMember>();
  readonly #tick: NodeJS.Timeout;
  #closed = false;

  constructor(engine: Engine) {
    super();
    this.#engine = engine;
    this.#tick = setInterval(() => this.#onTick(), TICK_MS);
    this.#tick.unref();
  }

  get memberCount(): number {
    return this.#members.size;
  }

  /** Adds a member: creates their receive connection and sends its first offer. */
  addMember(memberId: string): void {
    if (this.#closed || this.#members.has(memberId)) return;
    const connection = this.#engine.createConnection('recv');
    const subscriber = new Subscriber(memberId, connection);
    const member: RoutedMember = { subscriber, publishers: new Map(), publishConnections: new Map() };
    this.#members.set(memberId, member);
    subscriber.on('offer', (offer) => this.emit('offer', memberId, offer));
    subscriber.on('slots', (slots) => this.emit('slots', memberId, slots));
    subscriber.on('error', () => this.emit('member-lost', memberId));
    this.#watch(connection, () => this.emit('member-lost', memberId));

    const microphone = new Publisher({
      memberId,
      source: 'microphone',
      kind: 'audio',
      track: subscriber.microphoneTrack,
      payloadType: OPUS.payloadType,
    });
    for (const [otherId, other] of this.#members) {
      if (otherId === memberId) continue;
      for (const publisher of other.publishers.values()) subscriber.attach(publisher);
    }
    this.#addPublisher(member, microphone);
    subscriber.negotiate();
  }

  /**
   * What a member renders: size per (member, source) in device pixels. Sources not listed are
   * not rendered, and get no video.
   */
  setView(
    memberId: string,
    sources: ReadonlyArray<{ memberId: string; source: SourceName; width: number; height: number }>,
  ): void {
    const member = this.#member(memberId);
    const sizes = new Map<Publisher, { width: number; height: number }>();
    for (const entry of sources) {
      const publisher = this.#members.get(entry.memberId)?.publishers.get(entry.source);
      if (publisher) sizes.set(publisher, { width: entry.width, height: entry.height });
    }
    member.subscriber.setRenderedSizes(sizes);
  }

  /** Member's answer to their receive connection's latest offer. */
  applyAnswer(memberId: string, revision: number, sdp: string): void {
    this.#member(memberId).subscriber.applyAnswer(revision, sdp);
  }

  addRemoteCandidate(memberId: string, connection: 'main' | SourceName, candidate: string, mid: string): void {
    const member = this.#member(memberId);
    const target = connection === 'main' ? member.subscriber.connection : member.publishConnections.get(connection);
    target?.addRemoteCandidate(candidate, mid);
  }

  /**
   * Opens a publish-only connection for a video source and returns the SDP answer. Throws
   * `SdpError` for offers we cannot accept.
   */
  async publish(memberId: string, source: Exclude<SourceName, 'microphone'>, offerSdp: string): Promise<string> {
    const member = this.#member(memberId);
    const offer = preparePublishOffer(offerSdp, VP8.name);
    if (offer.kind !== 'video') throw new Error('only video sources use publish connections');
    this.unpublish(memberId, source);
    const connection = this.#engine.createConnection(`pub-${source}`);
    member.publishConnections.set(source, connection);
    connection.on('track', (track) => {
      if (member.publishConnections.get(source) !== connection) return;
      this.#addPublisher(
        member,
        new Publisher({
          memberId,
          source,
          kind: 'video',
          track,
          payloadType: offer.payloadType,
          rids: offer.rids,
          ridExtensionId: offer.extensions.rid,
        }),
      );
    });
    this.#watch(connection, () => this.unpublish(memberId, source));
    try {
      return acceptSimulcast(await connection.answer(offer.sdp));
    } catch (error) {
      this.unpublish(memberId, source);
      throw error;
    }
  }

  unpublish(memberId: string, source: SourceName): void {
    const member = this.#members.get(memberId);
    if (!member) return;
    const publisher = member.publishers.get(source);
    if (publisher) this.#removePublisher(member, publisher);
    const connection = member.publishConnections.get(source);
    if (connection) {
      member.publishConnections.delete(source);
      connection.close();
    }
  }

  /** Removes a member and releases everything they published and received. Idempotent. */
  removeMember(memberId: string): void {
    const member = this.#members.get(memberId);
    if (!member) return;
    for (const source of [...member.publishConnections.keys()]) this.unpublish(memberId, source);
    for (const publisher of [...member.publishers.values()]) this.#removePublisher(member, publisher);
    member.subscriber.close();
    this.#members.delete(memberId);
  }

  #addPublisher(member: RoutedMember, publisher: Publisher): void {
    const previous = member.publishers.get(publisher.source);
    if (previous) this.#removePublisher(member, previous);
    member.publishers.set(publisher.source, publisher);
    for (const other of this.#members.values()) {
      if (other !== member) other.subscriber.attach(publisher);
    }
  }

  #removePublisher(member: RoutedMember, publisher: Publisher): void {
    if (member.publishers.get(publisher.source) === publisher) member.publishers.delete(publisher.source);
    for (const other of this.#members.values()) other.subscriber.detach(publisher);
    publisher.close();
  }

  #watch(connection: EngineConnection, onDead: () => void): void {
    let timer: NodeJS.Timeout | null = null;
    connection.on('state', (state: ConnectionState) => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (state === 'failed' || state === 'closed') onDead();
      else if (state === 'disconnected') timer = setTimeout(onDead, DISCONNECTED_GRACE_MS);
    });
  }

  #member(memberId: string): RoutedMember {
    const member = this.#members.get(memberId);
    if (!member) throw new Error('unknown member');
    return member;
  }

  /** Once a second: receiver reports to every publisher, and the media liveness check. */
  #onTick(): void {
    const now = Date.now();
    const lost: string[] = [];
    for (const [memberId, member] of this.#members) {
      for (const publisher of member.publishers.values()) publisher.sendReceiverReport();
      member.subscriber.updateLayers(now);
      const microphone = member.publishers.get('microphone');
      if (isMediaDead({ now, ...member.subscriber.activity(microphone?.lastPacketAt ?? 0) })) lost.push(memberId);
    }
    for (const memberId of lost) this.emit('member-lost', memberId);
  }

  /** Figures for /metrics, tests and benchmarks. */
  stats(): { members: number; publishers: number; packetsIn: number; packetsOut: number } {
    let publishers = 0;
    let packetsIn = 0;
    let packetsOut = 0;
    for (const member of this.#members.values()) {
      publishers += member.publishers.size;
      for (const p of member.publishers.values()) packetsIn += p.packetsIn;
      for (const s of member.subscriber.slots) packetsOut += s.packetsOut;
    }
    return { members: this.#members.size, publishers, packetsIn, packetsOut };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#tick);
    for (const memberId of [...this.#members.keys()]) this.removeMember(memberId);
    this.removeAllListeners();
  }
}
