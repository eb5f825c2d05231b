import { EventEmitter } from 'node:events';
import { TRANSPORT_CC_ID } from './bwe/downlink-estimate.ts';
import { FEEDBACK_INTERVAL_MS } from './bwe/transport-feedback-generator.ts';
import { monotonicNow } from './clock.ts';
import type { SourceName } from './codecs.ts';
import { OPUS, VP8 } from './codecs.ts';
import type { Engine } from './engine/engine.ts';
import type { ConnectionState, EngineConnection } from './engine/engine-connection.ts';
import type { ForwardingOptions } from './forwarding-policy.ts';
import { ForwardingPolicy } from './forwarding-policy.ts';
import { isMediaDead } from './liveness.ts';
import { Publisher } from './publisher.ts';
import type { RoutedMember } from './routed-member.ts';
import { withoutCandidates } from './sdp/candidates.ts';
import { checkRemoteSdp } from './sdp/check-remote-sdp.ts';
import { preparePublishOffer } from './sdp/publish-offer.ts';
import { acceptSimulcast } from './sdp/simulcast-answer.ts';
import type { SlotInfo } from './subscriber.ts';
import { AUDIO_LEVEL_ID, renderedKey, Subscriber } from './subscriber.ts';
import type { Traffic } from './traffic.ts';
import { addTraffic, noTraffic } from './traffic.ts';

export { SdpError } from './sdp/publish-offer.ts';

/** How long a connection may stay 'disconnected' before its member counts as gone. */
const DISCONNECTED_GRACE_MS = 5000;
const TICK_MS = 1000;
const SPEAKER_TICK_MS = 250;

export type RouterOptions = ForwardingOptions;

export interface RouterEvents {
  /** A member's receive connection needs (re)negotiation: send them this offer. */
  offer: [memberId: string, offer: { revision: number; sdp: string }];
  /** The server's ICE candidates for a member's receive connection, once their first answer is in. */
  candidates: [memberId: string, candidates: Array<{ candidate: string; mid: string }>];
  /** What a member's receive slots carry changed. */
  slots: [memberId: string, slots: SlotInfo[]];
  /** A member's media connection died (ICE failed, or disconnected for too long). */
  'member-lost': [memberId: string, reason: 'negotiation-failed' | 'connection-failed' | 'media-silent'];
  /** Which simulcast layers of a member's source anybody needs: the publisher may pause the rest. */
  layers: [memberId: string, source: SourceName, active: boolean[]];
  /** Someone else became the dominant speaker. */
  'dominant-speaker': [memberId: string];
}

/**
 * The SFU for one room: who publishes what, who receives what. Each member receives the video of
 * at most `lastN` others (pinned, then recent dominant speakers, then earliest joined) and the
 * audio of the `audioLastN` most recent speakers, each video at the layer that fits its rendered
 * size. This class owns all media objects of the room and releases them when members leave.
 */
export class Router extends EventEmitter<RouterEvents> {
  readonly #engine: Engine;
  readonly #members = new Map<string, RoutedMember>();
  readonly #policy: ForwardingPolicy;
  readonly #tick: NodeJS.Timeout;
  readonly #speakerTick: NodeJS.Timeout;
  readonly #feedbackTick: NodeJS.Timeout;
  #closed = false;
  /** Packets counted by publishers and receivers that are gone: the totals never go down. */
  /** Traffic of publishers and slots that are gone. */
  readonly #retired = noTraffic();

  constructor(engine: Engine, options: RouterOptions) {
    super();
    this.#engine = engine;
    this.#policy = new ForwardingPolicy(options);
    this.#tick = setInterval(() => this.#onTick(), TICK_MS);
    this.#tick.unref();
    this.#speakerTick = setInterval(() => this.#onSpeakerTick(), SPEAKER_TICK_MS);
    this.#speakerTick.unref();
    this.#feedbackTick = setInterval(() => this.#onFeedbackTick(), FEEDBACK_INTERVAL_MS);
    this.#feedbackTick.unref();
  }

  get dominantSpeaker(): string | null {
    return this.#policy.speakers.dominant;
  }

  get memberCount(): number {
    return this.#members.size;
  }

  /** Adds a member: creates their receive connection and sends its first offer. */
  addMember(memberId: string): void {
    if (this.#closed || this.#members.has(memberId)) return;
    this.#openMedia(memberId, { joinedAt: monotonicNow(), pins: [], silenced: new Set(), lastRevision: 0 });
  }

  /**
   * Replaces a member's media connections with fresh ones (theirs failed or went silent), keeping
   * the membership: same id, same place in last-N and speaker order, same pins. Everything the
   * member published and received is released; the new receive connection's offer follows, and
   * the member publishes again. Others see the member's video pause, not a leave and a join.
   */
  restartMember(memberId: string): void {
    const member = this.#members.get(memberId);
    if (this.#closed || !member) return;
    this.#releaseMedia(memberId, member);
    this.#openMedia(memberId, { ...member, lastRevision: member.subscriber.revision });
  }

  #openMedia(memberId: string, kept: Pick<RoutedMember, 'joinedAt' | 'pins' | 'silenced'> & { lastRevision: number }): void {
    const connection = this.#engine.createConnection('recv');
    const subscriber = new Subscriber(memberId, connection, kept.lastRevision);
    const member: RoutedMember = {
      subscriber,
      publishers: new Map(),
      publishConnections: new Map(),
      joinedAt: kept.joinedAt,
      pins: kept.pins,
      silenced: kept.silenced,
    };
    this.#members.set(memberId, member);
    subscriber.on('offer', (offer) => this.emit('offer', memberId, offer));
    subscriber.on('slots', (slots) => this.emit('slots', memberId, slots));
    subscriber.on('candidates', (candidates) => this.emit('candidates', memberId, candidates));
    subscriber.on('error', () => this.emit('member-lost', memberId, 'negotiation-failed'));
    this.#watch(connection, () => this.emit('member-lost', memberId, 'connection-failed'));

    const microphone = new Publisher({
      memberId,
      source: 'microphone',
      kind: 'audio',
      track: subscriber.microphoneTrack,
      payloadType: OPUS.payloadType,
      audioLevelExtensionId: AUDIO_LEVEL_ID,
      // The browser numbers its microphone packets too and expects feedback for them.
      transportCcExtensionId: TRANSPORT_CC_ID,
      // A silenced microphone does not speak: it never becomes the dominant speaker.
      onAudioLevel: (level, now) => {
        if (!member.silenced.has('microphone')) this.#policy.speakers.onLevel(memberId, level, now);
      },
    });
    member.publishers.set('microphone', microphone);
    this.#reconcile();
    // The first offer, even when there is nothing to receive yet: it carries the microphone.
    subscriber.scheduleNegotiation();
  }

  /**
   * What a member renders: size per (member, source) in device pixels. Sources not listed are
   * not rendered, and get no video.
   */
  setView(
    memberId: string,
    sources: ReadonlyArray<{ memberId: string; source: SourceName; width: number; height: number }>,
  ): void {
    const sizes = new Map<string, { width: number; height: number }>();
    for (const entry of sources)
      sizes.set(renderedKey(entry.memberId, entry.source), { width: entry.width, height: entry.height });
    this.#member(memberId).subscriber.setRenderedSizes(sizes);
    this.#updateLayerDemand(monotonicNow());
  }

  /** The members whose video `memberId` wants most, in order; they always get a last-N place. */
  setPins(memberId: string, pinned: readonly string[]): void {
    this.#member(memberId).pins = pinned.filter((id) => id !== memberId);
    this.#reconcile();
  }

  /** A moderator muted (true) a member's source, or the member turned it on again (false). */
  setSilenced(memberId: string, source: SourceName, silenced: boolean): void {
    const member = this.#members.get(memberId);
    if (!member) return;
    if (silenced) member.silenced.add(source);
    else member.silenced.delete(source);
    this.#reconcile();
  }

  /** Sends the member's client again what a dropped socket may have lost (see Subscriber.resync). */
  resync(memberId: string): void {
    this.#members.get(memberId)?.subscriber.resync();
  }

  /** Member's answer to their receive connection's latest offer; `SdpError` when its structure is wrong. */
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
   * `SdpError` for offers we cannot accept (checkRemoteSdp, then preparePublishOffer).
   */
  async publish(memberId: string, source: Exclude<SourceName, 'microphone'>, offerSdp: string): Promise<string> {
    const member = this.#member(memberId);
    // Checked structurally first: the engine only ever parses SDP that sdp-transform wrote.
    const checked = checkRemoteSdp(offerSdp, { type: 'offer', mediaSections: 1 });
    const offer = preparePublishOffer(checked.sdp, VP8.name);
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
          transportCcExtensionId: offer.extensions.transportCc,
        }),
      );
    });
    this.#watch(connection, () => this.unpublish(memberId, source));
    try {
      // The publisher's candidates are dropped: we learn its address from its checks, which start
      // only once it has our answer (and so our fingerprint) — see withoutCandidates.
      return acceptSimulcast(await connection.answer(withoutCandidates(offer.sdp).sdp));
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
    this.#releaseMedia(memberId, member);
    this.#members.delete(memberId);
    this.#policy.forget(memberId);
    this.#reconcile();
  }

  /** Closes everything the member published and received (the member stays in the map). */
  #releaseMedia(memberId: string, member: RoutedMember): void {
    for (const source of [...member.publishConnections.keys()]) this.unpublish(memberId, source);
    for (const publisher of [...member.publishers.values()]) this.#removePublisher(member, publisher);
    for (const slot of member.subscriber.slots) addTraffic(this.#retired, slot);
    member.subscriber.close();
  }

  #addPublisher(member: RoutedMember, publisher: Publisher): void {
    const previous = member.publishers.get(publisher.source);
    if (previous) this.#removePublisher(member, previous);
    member.publishers.set(publisher.source, publisher);
    this.#reconcile();
  }

  #removePublisher(member: RoutedMember, publisher: Publisher): void {
    if (member.publishers.get(publisher.source) === publisher) {
      member.publishers.delete(publisher.source);
      addTraffic(this.#retired, { packetsIn: publisher.packetsIn, packetsLost: publisher.packetsLost });
    }
    this.#reconcile();
    publisher.close();
  }

  #reconcile(): void {
    if (!this.#closed) this.#policy.apply(this.#members);
  }

  /** Tells publishers which simulcast layers somebody needs (see LayerDemand). */
  #updateLayerDemand(now: number): void {
    for (const [memberId, member] of this.#members) {
      for (const publisher of member.publishers.values()) {
        if (!publisher.demand) continue;
        let wanted = -1;
        for (const other of this.#members.values()) {
          if (other !== member) wanted = Math.max(wanted, other.subscriber.demandFor(publisher));
        }
        const active = publisher.demand.update(wanted, now);
        if (active) this.emit('layers', memberId, publisher.source, active);
      }
    }
  }

  /** Twenty times a second: feedback (transport-cc, NACKs) to every publisher. */
  #onFeedbackTick(): void {
    const now = monotonicNow();
    for (const member of this.#members.values()) for (const publisher of member.publishers.values()) publisher.sendFeedback(now);
  }

  /** Four times a second: dominant speaker, and what depends on it. */
  #onSpeakerTick(): void {
    const changed = this.#policy.onTick(this.#members, monotonicNow());
    if (changed) this.emit('dominant-speaker', changed);
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
    const now = monotonicNow();
    const lost: string[] = [];
    for (const [memberId, member] of this.#members) {
      for (const publisher of member.publishers.values()) publisher.sendReceiverReport();
      member.subscriber.updateLayers(now);
      const microphone = member.publishers.get('microphone');
      if (isMediaDead({ now, ...member.subscriber.activity(microphone?.lastPacketAt ?? 0) })) lost.push(memberId);
    }
    this.#updateLayerDemand(now);
    for (const memberId of lost) this.emit('member-lost', memberId, 'media-silent');
  }

  /** Per member: downlink estimate (bit/s), feedbacks seen, and the layer of each video slot. */
  downlinks(): Array<{ memberId: string; estimate: number; feedbacks: number; layers: number[] }> {
    return [...this.#members].map(([memberId, m]) => ({
      memberId,
      estimate: Math.round(m.subscriber.downlink.bitrate),
      feedbacks: m.subscriber.downlink.feedbacks,
      layers: m.subscriber.slots.filter((s) => s.kind === 'video' && s.publisher).map((s) => s.currentLayer),
    }));
  }

  /** Figures for /metrics, tests and benchmarks. */
  stats(): { members: number; publishers: number; traffic: Traffic } {
    let publishers = 0;
    const traffic = addTraffic(noTraffic(), this.#retired);
    for (const member of this.#members.values()) {
      publishers += member.publishers.size;
      for (const p of member.publishers.values()) addTraffic(traffic, { packetsIn: p.packetsIn, packetsLost: p.packetsLost });
      for (const slot of member.subscriber.slots) addTraffic(traffic, slot);
    }
    return { members: this.#members.size, publishers, traffic };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#tick);
    clearInterval(this.#speakerTick);
    clearInterval(this.#feedbackTick);
    for (const memberId of [...this.#members.keys()]) this.removeMember(memberId);
    this.removeAllListeners();
  }
}
