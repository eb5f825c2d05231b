import { EventEmitter } from 'node:events';
import { DownlinkEstimate, TRANSPORT_CC_ID, TRANSPORT_CC_URI } from './bwe/downlink-estimate.ts';
import { monotonicNow } from './clock.ts';
import type { MediaKind } from './codecs.ts';
import { codecOf, OPUS, randomSsrc, VP8_RTX } from './codecs.ts';
import type { EngineConnection, EngineTrack } from './engine/engine-connection.ts';
import { allocateLayers, sourcePriority } from './layer-allocation.ts';
import type { RenderedSize } from './layer-choice.ts';
import { chooseLayer, demandedLayer } from './layer-choice.ts';
import type { Publisher } from './publisher.ts';
import { RetransmitBudget } from './retransmit-budget.ts';
import type { SdpCandidate } from './sdp/candidates.ts';
import { withoutCandidates } from './sdp/candidates.ts';
import { checkRemoteSdp, midsOf } from './sdp/check-remote-sdp.ts';
import { PAUSED, Slot } from './slot.ts';

export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
/** Chrome's own id for the audio level extension, so its answer keeps it. */
export const AUDIO_LEVEL_ID = 1;
/** What one forwarded Opus stream costs, for fitting videos into a downlink. */
const AUDIO_BUDGET_BPS = 40_000;
/** How long a client may take to answer an offer before it counts as gone. */
const ANSWER_TIMEOUT_MS = 8000;

/**
 * Rendered sizes are kept by member and source, not by Publisher object, so a source that is
 * published again (a new Publisher) keeps the size its viewers reported.
 */
export function renderedKey(memberId: string, source: string): string {
  return `${memberId}/${source}`;
}

export interface SlotInfo {
  mid: string;
  kind: MediaKind;
  publisher: Publisher | null;
}

export interface SubscriberEvents {
  /** A new offer for the receive connection, to be sent to the member. */
  offer: [{ revision: number; sdp: string }];
  /** The server's ICE candidates, handed out once the first answer is applied (see withoutCandidates). */
  candidates: [SdpCandidate[]];
  /** The slot table changed. */
  slots: [SlotInfo[]];
  /** Building an offer failed (engine error); the member should be dropped. */
  error: [Error];
}

/**
 * A member's receive connection: the m-line their microphone is sent on (mid 0) and a growing set
 * of slots for what they receive. Offers are serialised: one in flight, changes queued behind it.
 */
export class Subscriber extends EventEmitter<SubscriberEvents> {
  readonly memberId: string;
  readonly connection: EngineConnection;
  /** The member's microphone arrives on this track. */
  readonly microphoneTrack: EngineTrack;
  readonly #slots: Slot[] = [];
  #nextMid = 1;
  #revision = 0;
  #lastOffer: { revision: number; sdp: string } | null = null;
  #sentCandidates: Array<{ candidate: string; mid: string }> = [];
  #awaitingRevision: number | null = null;
  /** The mids of the offer in flight, once it is out: its answer must carry exactly these. */
  #offeredMids: string[] | null = null;
  #offerQueued = false;
  #answerTimer: NodeJS.Timeout | null = null;
  #negotiationScheduled = false;
  /** Our candidates, until the first answer is applied; then null. */
  #pendingCandidates: SdpCandidate[] | null = [];
  #closed = false;
  readonly #createdAt = monotonicNow();
  /** What the member renders, by publisher; undefined until their first report. */
  #rendered: Map<string, RenderedSize> | undefined;
  /** Sources that keep quality longest when bandwidth is short: pinned, dominant speaker. */
  #prioritized = new Set<Publisher>();
  /** Bandwidth estimate of the member's downlink, from their transport-cc feedback. */
  readonly downlink = new DownlinkEstimate();
  /** Retransmitted bytes this member may cause, over all its slots. */
  readonly retransmitBudget = new RetransmitBudget();

  /**
   * `lastRevision`: the revision of the member's previous receive connection, after a media
   * restart. Revisions go on from there, so a late answer to an offer of the old connection is
   * refused instead of being applied to this one.
   */
  constructor(memberId: string, connection: EngineConnection, lastRevision = 0) {
    super();
    this.memberId = memberId;
    this.connection = connection;
    this.#revision = lastRevision;
    this.microphoneTrack = connection.addTrack({
      kind: 'audio',
      mid: '0',
      direction: 'recvonly',
      payloadType: OPUS.payloadType,
      extraLines: [
        `a=extmap:${AUDIO_LEVEL_ID} ${AUDIO_LEVEL_URI}`,
        `a=extmap:${TRANSPORT_CC_ID} ${TRANSPORT_CC_URI}`,
        `a=rtcp-fb:${OPUS.payloadType} transport-cc`,
      ],
    });
  }

  /** The latest offer's revision. */
  get revision(): number {
    return this.#revision;
  }

  get slots(): readonly Slot[] {
    return this.#slots;
  }

  /**
   * Makes this member's slots of `kind` carry exactly `wanted` (the router's choice: everyone, or
   * last-N). Slots of publishers no longer wanted go idle and are reused; new slots (and an offer)
   * only when there are more sources than slots.
   */
  setSources(kind: MediaKind, wanted: readonly Publisher[]): void {
    if (this.#closed) return;
    const wantedSet = new Set(wanted);
    let changed = false;
    let needOffer = false;
    for (const slot of this.#slots) {
      if (slot.kind === kind && slot.publisher && !wantedSet.has(slot.publisher)) {
        slot.bind(null);
        changed = true;
      }
    }
    for (const publisher of wanted) {
      if (this.#slots.some((s) => s.publisher === publisher)) continue;
      let slot = this.#slots.find((s) => s.kind === kind && s.publisher === null);
      if (!slot) {
        slot = this.#addSlot(kind);
        needOffer = true;
      }
      slot.bind(publisher);
      changed = true;
    }
    if (needOffer) this.scheduleNegotiation();
    if (changed) {
      this.updateLayers(monotonicNow());
      this.#emitSlots();
    }
  }

  #addSlot(kind: MediaKind): Slot {
    const mid = String(this.#nextMid++);
    const ssrc = randomSsrc();
    const rtx = kind === 'video' ? { payloadType: VP8_RTX.payloadType, ssrc: randomSsrc() } : undefined;
    const codec = codecOf(kind);
    const track = this.connection.addTrack({
      kind,
      mid,
      direction: 'sendonly',
      payloadType: codec.payloadType,
      ssrc,
      ...(rtx ? { rtx } : {}),
      streamId: `slot-${mid}`,
      trackId: `slot-${mid}-${kind}`,
      extraLines: [
        `a=extmap:${TRANSPORT_CC_ID} ${TRANSPORT_CC_URI}`,
        `a=rtcp-fb:${codec.payloadType} transport-cc`,
        ...(kind === 'video' ? [`a=rtcp-fb:${codec.payloadType} ccm fir`] : []),
      ],
    });
    const slot = new Slot(mid, kind, ssrc, rtx?.ssrc ?? null, track, this.downlink, this.retransmitBudget);
    this.#slots.push(slot);
    return slot;
  }

  /**
   * Everything the member's client needs again after its socket dropped (a message in flight may
   * have been lost): the offer still waiting for an answer, the server's candidates, the slots.
   */
  resync(): void {
    if (this.#closed) return;
    if (this.#awaitingRevision !== null && this.#lastOffer?.revision === this.#awaitingRevision)
      this.emit('offer', this.#lastOffer);
    if (this.#sentCandidates.length) this.emit('candidates', this.#sentCandidates);
    this.#emitSlots();
  }

  #emitSlots(): void {
    this.emit(
      'slots',
      this.#slots.map((s) => ({ mid: s.mid, kind: s.kind, publisher: s.publisher })),
    );
  }

  /** The member's latest report of what it renders; sources it does not list are not rendered. */
  setRenderedSizes(sizes: Map<string, RenderedSize>): void {
    this.#rendered = sizes;
    this.updateLayers(monotonicNow());
  }

  /** Sources to favour when bandwidth is short (pinned, dominant speaker). */
  setPrioritized(publishers: Set<Publisher>): void {
    this.#prioritized = publishers;
    this.updateLayers(monotonicNow());
  }

  /**
   * Re-chooses the layer of every video slot: what each rendered size asks for, fitted into the
   * downlink estimate (on view changes, speaker changes, and every second as layers come and go).
   */
  updateLayers(now: number): void {
    const items = [];
    let audioSlots = 0;
    for (const slot of this.#slots) {
      const publisher = slot.publisher;
      if (!publisher) continue;
      if (slot.kind === 'audio') {
        audioSlots++;
        continue;
      }
      const layers = publisher.layers.map((l) => ({
        index: l.index,
        width: l.width,
        height: l.height,
        bitrate: l.bitrate,
        active: l.isActive(now),
      }));
      const key = renderedKey(publisher.memberId, publisher.source);
      const rendered = this.#rendered ? (this.#rendered.get(key) ?? { width: 0, height: 0 }) : undefined;
      items.push({
        id: slot.mid,
        priority: sourcePriority(publisher.source, this.#prioritized.has(publisher)),
        layers,
        desired: chooseLayer(layers, rendered),
      });
    }
    const budget = this.downlink.bitrate - audioSlots * AUDIO_BUDGET_BPS;
    const allocation = allocateLayers(items, budget);
    for (const slot of this.#slots) {
      const layer = allocation.get(slot.mid);
      if (layer !== undefined) slot.setTargetLayer(layer);
    }
  }

  /**
   * The layer of `publisher` this member would take if every layer were being sent: by rendered
   * size only (bandwidth aside), or PAUSED when it does not render it. For layer suspension.
   */
  demandFor(publisher: Publisher): number {
    if (!this.#slots.some((s) => s.publisher === publisher)) return PAUSED;
    const layers = publisher.layers.map((l) => ({ index: l.index, width: l.width, height: l.height, active: true }));
    const rendered = this.#rendered
      ? (this.#rendered.get(renderedKey(publisher.memberId, publisher.source)) ?? { width: 0, height: 0 })
      : undefined;
    return demandedLayer(layers, rendered);
  }

  /** Last forwarded packet and last feedback over all slots; for the liveness check. */
  activity(microphoneLastPacketAt: number): { lastHeardAt: number; lastForwardedAt: number; forwardingSince: number } {
    let lastHeardAt = Math.max(this.#createdAt, microphoneLastPacketAt);
    let lastForwardedAt = 0;
    let forwardingSince = 0;
    for (const slot of this.#slots) {
      if (slot.lastFeedbackAt > lastHeardAt) lastHeardAt = slot.lastFeedbackAt;
      if (slot.lastSentAt > lastForwardedAt) lastForwardedAt = slot.lastSentAt;
      if (slot.forwardingSince > forwardingSince) forwardingSince = slot.forwardingSince;
    }
    return { lastHeardAt, lastForwardedAt, forwardingSince };
  }

  /**
   * Negotiates once the current task is done, so that the audio and video slots a change adds
   * (e.g. a join) go out in one offer instead of two rounds.
   */
  scheduleNegotiation(): void {
    if (this.#negotiationScheduled) return;
    this.#negotiationScheduled = true;
    queueMicrotask(() => {
      this.#negotiationScheduled = false;
      this.negotiate();
    });
  }

  /** Sends a new offer now, or right after the answer to the one in flight. */
  negotiate(): void {
    if (this.#closed) return;
    if (this.#awaitingRevision !== null) {
      this.#offerQueued = true;
      return;
    }
    const revision = ++this.#revision;
    this.#awaitingRevision = revision;
    this.#offeredMids = null;
    this.#offerQueued = false;
    this.connection.offer().then(
      (sdp) => {
        if (this.#closed) return;
        const stripped = withoutCandidates(sdp);
        this.#offeredMids = midsOf(stripped.sdp);
        if (this.#pendingCandidates?.length === 0) this.#pendingCandidates = stripped.candidates;
        this.#lastOffer = { revision, sdp: stripped.sdp };
        this.emit('offer', this.#lastOffer);
        // A client that never answers can never receive anything new: treat it as gone.
        this.#answerTimer = setTimeout(() => {
          if (!this.#closed && this.#awaitingRevision === revision) this.emit('error', new Error('the offer was not answered'));
        }, ANSWER_TIMEOUT_MS);
        this.#answerTimer.unref();
      },
      (error: Error) => {
        if (!this.#closed) this.emit('error', error);
      },
    );
  }

  /**
   * Applies the member's answer. Throws if it does not answer the offer in flight, and SdpError
   * (the offer stays in flight) if it fails the structural check: the engine gets only what the
   * check re-serialised.
   */
  applyAnswer(revision: number, sdp: string): void {
    const mids = this.#offeredMids;
    if (revision !== this.#awaitingRevision || !mids)
      throw new Error(`no offer with revision ${revision} is waiting for an answer`);
    this.connection.acceptAnswer(checkRemoteSdp(sdp, { type: 'answer', mids }).sdp);
    this.#awaitingRevision = null;
    this.#offeredMids = null;
    if (this.#answerTimer) clearTimeout(this.#answerTimer);
    if (this.#pendingCandidates) {
      const candidates = this.#pendingCandidates;
      this.#pendingCandidates = null;
      this.#sentCandidates = candidates;
      this.emit('candidates', candidates);
    }
    if (this.#offerQueued) this.negotiate();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#answerTimer) clearTimeout(this.#answerTimer);
    for (const slot of this.#slots) slot.close();
    this.connection.close();
    this.removeAllListeners();
  }
}
