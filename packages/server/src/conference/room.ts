import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IceServerInfo, JoinResult, ModerationAction, P2pMode, RemovalReason, ServerMessage } from '@sotto/protocol';
import { ProtocolError } from '../errors.ts';
import { log } from '../log.ts';
import type { SourceName } from '../sfu/codecs.ts';
import type { Engine } from '../sfu/engine/engine.ts';
import type { RouterOptions } from '../sfu/router.ts';
import { Router } from '../sfu/router.ts';
import type { SlotInfo } from '../sfu/subscriber.ts';
import { DetachedChannel } from './detached-channel.ts';
import { MediaPathPolicy } from './media-path-policy.ts';
import type { MemberChannel } from './member.ts';
import { Member } from './member.ts';
import type { MlsCommitRequest } from './mls-delivery-service.ts';
import { MlsDeliveryService } from './mls-delivery-service.ts';
import type { ModeratedRoom } from './moderation.ts';
import { moderate } from './moderation.ts';
import type { Admission, Knocker } from './room-gate.ts';
import { RoomGate } from './room-gate.ts';
import type { TurnSettings } from './turn-credentials.ts';
import { turnCredentials } from './turn-credentials.ts';

/**
 * How long a member whose socket dropped (without saying goodbye) stays in the meeting, waiting
 * for the same client to resume (docs/reliability.md). Nobody sees a leave meanwhile.
 */
export const DETACHED_GRACE_MS = 10_000;

export interface RoomOptions {
  maxMembers: number;
  /** End-to-end encrypted: the room runs an MLS delivery service for its members. */
  e2ee: boolean;
  /** The most peer to peer this room allows. */
  p2p: P2pMode;
  turn?: TurnSettings | undefined;
  routing: RouterOptions;
  /**
   * The first member becomes the moderator, and the earliest one when the last moderator leaves
   * (open meetings); false when only room tokens make moderators (docs/auth.md).
   */
  autoModerator?: boolean;
  /** Called once the last member has left. */
  onEmpty: () => void;
}

/**
 * One meeting: its members, their media router, and the events members see about each other.
 * **The room owns membership**: every request of a member reaches the SFU, the MLS delivery
 * service and the media-path policy through here, only while the room holds that member, and
 * `remove` is the one way out (the member's session is told). The room never looks inside
 * relayed payloads.
 */
export class Room {
  /** Random id for logs: room names are never logged. */
  readonly logId = randomBytes(4).toString('hex');
  readonly #router: Router;
  readonly #members = new Map<string, Member>();
  readonly #options: RoomOptions;
  /** Present only in end-to-end encrypted rooms. */
  readonly #mls: MlsDeliveryService | null;
  readonly #mediaPath: MediaPathPolicy;
  #closed = false;
  /** Lock, password and lobby: who may come in (moderators set them). */
  readonly gate = new RoomGate();
  /** The last raised hand's place in the queue. */
  #hands = 0;
  /** Members whose socket dropped: their stand-in channel and when they are let go. */
  readonly #detached = new Map<string, { channel: DetachedChannel; timer: NodeJS.Timeout }>();

  constructor(engine: Engine, options: RoomOptions) {
    this.#options = options;
    const sendTo = (id: string, message: ServerMessage) => this.#members.get(id)?.channel.send(message);
    this.#mls = options.e2ee ? new MlsDeliveryService(sendTo) : null;
    const turn = options.turn;
    this.#mediaPath = new MediaPathPolicy(options.p2p, sendTo, {
      ...(turn ? { credentials: (memberId: string) => [turnCredentials(turn, memberId)] } : {}),
    });
    this.#router = new Router(engine, options.routing);
    this.#router.on('offer', (memberId, offer) =>
      this.#members.get(memberId)?.channel.send({ type: 'offer', revision: offer.revision, sdp: offer.sdp }),
    );
    this.#router.on('slots', (memberId, slots) => this.#members.get(memberId)?.channel.send(this.#tracksMessage(slots)));
    this.#router.on('candidates', (memberId, candidates) => {
      const channel = this.#members.get(memberId)?.channel;
      for (const c of candidates) channel?.send({ type: 'candidate', connection: 'main', candidate: c.candidate, mid: c.mid });
    });
    this.#router.on('layers', (memberId, source, active) => {
      if (source !== 'microphone') this.#members.get(memberId)?.channel.send({ type: 'layers', source, active });
    });
    this.#router.on('dominant-speaker', (memberId) => this.#broadcast({ type: 'speaker', memberId }));
    this.#router.on('member-lost', (memberId, reason) => {
      log.info({ room: this.logId, member: memberId, reason }, 'media connection lost');
      const member = this.#members.get(memberId);
      if (!member) return;
      // A client that does not answer offers is not helped by another one.
      if (reason === 'negotiation-failed' || !this.#restartMedia(member)) this.remove(memberId, 'media-lost');
    });
  }

  get e2ee(): boolean {
    return this.#mls !== null;
  }

  /** The current peer-to-peer pair, if any (tests, health). */
  get mediaPathActive(): MediaPathPolicy['active'] {
    return this.#mediaPath.active;
  }

  /** The room's MLS delivery service; a request for it in a room without E2EE is refused. */
  #requireMls(): MlsDeliveryService {
    if (!this.#mls) throw new ProtocolError('bad-state', 'this meeting is not end-to-end encrypted');
    return this.#mls;
  }

  /** The member, while the room holds it; anything else is refused. */
  #require(memberId: string): Member {
    const member = this.#members.get(memberId);
    if (!member) throw new ProtocolError('not-joined', 'you are not in this meeting any more');
    return member;
  }

  get size(): number {
    return this.#members.size;
  }

  member(memberId: string): Member | undefined {
    return this.#members.get(memberId);
  }

  /**
   * `p2p`: how far the member itself allows peer to peer (and can do it at all). Past the first
   * member (who becomes the moderator), the gate decides: lock, password, lobby.
   */
  join(
    name: string,
    channel: MemberChannel,
    p2p: P2pMode = 'off',
    admission: Admission = {},
    /** A room token made this member a moderator. */
    moderator = false,
  ): { member: Member; result: JoinResult } {
    if (this.#members.size >= this.#options.maxMembers) {
      throw new ProtocolError('room-full', `this meeting is full (${this.#options.maxMembers} participants)`);
    }
    if (this.#members.size > 0) this.gate.admit(admission, Date.now());
    const resumeToken = randomBytes(16).toString('base64url');
    const member = new Member(randomBytes(9).toString('base64url'), name, channel, tokenHash(resumeToken));
    if (moderator || (this.#members.size === 0 && this.#options.autoModerator !== false)) member.role = 'moderator';
    const others = [...this.#members.values()].map((m) => m.info());
    this.#broadcast({ type: 'member-joined', member: member.info() });
    this.#members.set(member.id, member);
    this.#mls?.memberJoined(member.id);
    this.#mediaPath.memberJoined(member.id, p2p);
    log.info({ room: this.logId, member: member.id, size: this.#members.size }, 'member joined');
    const iceServers = this.bridgeIceServers(member.id);
    const result = {
      ...{ self: member.info(), members: others, e2ee: this.#mls !== null, resumeToken, settings: this.gate.settings },
      ...(iceServers.length > 0 ? { iceServers } : {}),
    };
    return { member, result };
  }

  /** Someone knocks at the lobby; the moderators see them. */
  knock(knocker: Knocker, password: string | undefined): void {
    this.gate.knock(knocker, password, Date.now());
    this.#moderation.lobbyChanged();
  }

  /** The knocker gave up (or its socket closed). */
  withdrawKnock(knockId: string): void {
    if (this.gate.withdraw(knockId)) this.#moderation.lobbyChanged();
  }

  /** A moderator's action (forbidden to anyone else: see moderation.ts). */
  moderate(actorId: string, action: ModerationAction): void {
    moderate(this.#moderation, this.#require(actorId), action);
  }

  /** Our own hand goes up (to the end of the queue) or down. */
  raiseHand(memberId: string, raised: boolean): void {
    const member = this.#require(memberId);
    if (raised === (member.hand !== null)) return;
    member.hand = raised ? ++this.#hands : null;
    this.#broadcast({ type: 'member-updated', member: member.info() });
  }

  /** What moderation needs of the room (see ModeratedRoom). */
  readonly #moderation: ModeratedRoom = {
    gate: this.gate,
    member: (id) => this.#members.get(id),
    members: () => this.#members.values(),
    muteByModerator: (target, kind, by) => {
      this.#router.setSilenced(target.id, kind === 'audio' ? 'microphone' : 'camera', true);
      target.channel.send({ type: 'moderation', request: 'muted', kind, by: by.id });
      const wasMuted = kind === 'audio' ? target.audioMuted : target.videoMuted;
      if (wasMuted) return;
      if (kind === 'audio') target.audioMuted = true;
      else target.videoMuted = true;
      this.#broadcast({ type: 'member-updated', member: target.info() });
    },
    askToUnmute: (target, kind, by) => target.channel.send({ type: 'moderation', request: 'ask-unmute', kind, by: by.id }),
    memberChanged: (member) => this.#broadcast({ type: 'member-updated', member: member.info() }),
    remove: (id, reason) => this.remove(id, reason),
    settingsChanged: () => this.#broadcast({ type: 'room-state', settings: this.gate.settings }),
    lobbyChanged: () => {
      const event: ServerMessage = { type: 'lobby', knocking: this.gate.knocking };
      for (const member of this.#members.values()) if (member.role === 'moderator') member.channel.send(event);
    },
    endMeeting: () => {
      for (const id of [...this.#members.keys()]) this.remove(id, 'ended');
    },
  };

  /** The member holding this resume token, if it is still in the room. */
  memberByToken(token: string): Member | undefined {
    const hash = tokenHash(token);
    for (const member of this.#members.values()) if (timingSafeEqual(member.resumeTokenHash, hash)) return member;
    return undefined;
  }

  /**
   * The member's socket dropped without a goodbye: it stays in the meeting (nobody sees a leave)
   * for DETACHED_GRACE_MS, with what the room sends it queued, waiting for `attach`.
   */
  detach(memberId: string, graceMs = DETACHED_GRACE_MS): void {
    const member = this.#members.get(memberId);
    if (!member || this.#detached.has(memberId)) return;
    const channel = new DetachedChannel(() => this.remove(memberId, 'too-slow'));
    member.channel = channel;
    const timer = setTimeout(() => this.remove(memberId, 'vanished'), graceMs);
    timer.unref();
    this.#detached.set(memberId, { channel, timer });
    log.info({ room: this.logId, member: memberId }, 'member detached');
  }

  /**
   * A new socket resumes the membership: it gets what was queued meanwhile, then everything
   * current that a dropped socket may have lost (the pending offer, the slots, the speaker).
   * A socket that still held the membership is told it was replaced.
   */
  attach(memberId: string, channel: MemberChannel): { members: ReturnType<Member['info']>[]; e2ee: boolean } {
    const member = this.#require(memberId);
    const detached = this.#detached.get(memberId);
    const previous = member.channel;
    if (detached) {
      clearTimeout(detached.timer);
      this.#detached.delete(memberId);
    }
    member.channel = channel;
    if (!detached) previous.replaced?.();
    log.info({ room: this.logId, member: memberId }, 'member resumed');
    const queued = detached?.channel.drain() ?? [];
    queueMicrotask(() => {
      for (const message of queued) member.channel.send(message);
      this.#router.resync(memberId);
      const speaker = this.#router.dominantSpeaker;
      if (speaker) member.channel.send({ type: 'speaker', memberId: speaker });
    });
    return { members: [...this.#members.values()].map((m) => m.info()), e2ee: this.#mls !== null };
  }

  /** Starts the member's media; called after the join reply so the first offer follows it. */
  startMedia(memberId: string): void {
    this.#require(memberId);
    this.#router.addMember(memberId);
    // A newcomer learns who is speaking now, not only who speaks next.
    const speaker = this.#router.dominantSpeaker;
    if (speaker) this.#members.get(memberId)?.channel.send({ type: 'speaker', memberId: speaker });
  }

  /** TURN for the member's bridge connections: the way in when UDP to the media port is blocked. */
  bridgeIceServers(memberId: string): IceServerInfo[] {
    return this.#options.turn ? [turnCredentials(this.#options.turn, memberId)] : [];
  }

  /**
   * The member's media connections failed (their client says so): they are replaced and the
   * membership stays. False when the member has used up its restarts (MEDIA_RESTART_BUDGET).
   */
  restartMedia(memberId: string): boolean {
    return this.#restartMedia(this.#require(memberId));
  }

  #restartMedia(member: Member): boolean {
    if (!member.mediaRestarts.take(Date.now())) return false;
    // Before the new offer: the client must have closed the old connections when it arrives.
    const iceServers = this.bridgeIceServers(member.id);
    member.channel.send({ type: 'media-restart', ...(iceServers.length > 0 ? { iceServers } : {}) });
    this.#router.restartMember(member.id);
    log.info({ room: this.logId, member: member.id }, 'media restarted');
    return true;
  }

  /**
   * The one way out of the room: the member is gone from the SFU, the MLS group (at the next
   * commit) and the media-path policy, everyone else is told, and so is the member's session.
   */
  remove(memberId: string, reason: RemovalReason): void {
    const member = this.#members.get(memberId);
    if (!member) return;
    this.#members.delete(memberId);
    const detached = this.#detached.get(memberId);
    if (detached) clearTimeout(detached.timer);
    this.#detached.delete(memberId);
    this.#router.removeMember(memberId);
    this.#broadcast({ type: 'member-left', memberId });
    this.#mls?.memberLeft(memberId);
    this.#mediaPath.memberLeft(memberId);
    member.channel.removed(reason);
    log.info({ room: this.logId, member: memberId, size: this.#members.size, reason }, 'member left');
    if (this.#members.size === 0) this.close();
    else if (member.role === 'moderator' && this.#options.autoModerator !== false) this.#keepAModerator();
  }

  /**
   * An open meeting never lacks a moderator: when the last one leaves, the earliest member
   * becomes one. (With room tokens, only a token makes a moderator.)
   */
  #keepAModerator(): void {
    const members = [...this.#members.values()];
    if (members.some((m) => m.role === 'moderator')) return;
    const next = members[0];
    if (!next) return;
    next.role = 'moderator';
    this.#moderation.memberChanged(next);
    if (this.gate.knocking.length) this.#moderation.lobbyChanged();
  }

  /** Ends the room (its last member left, or the server stops); everyone still in it is told. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const id of [...this.#members.keys()]) this.remove(id, 'shutdown');
    this.gate.close();
    this.#mediaPath.close();
    this.#router.close();
    this.#options.onEmpty();
  }

  stats(): ReturnType<Router['stats']> {
    return this.#router.stats();
  }

  publish(memberId: string, source: Exclude<SourceName, 'microphone'>, sdp: string): Promise<string> {
    this.#require(memberId);
    return this.#router.publish(memberId, source, sdp);
  }

  unpublish(memberId: string, source: SourceName): void {
    this.#require(memberId);
    this.#router.unpublish(memberId, source);
  }

  applyAnswer(memberId: string, revision: number, sdp: string): void {
    this.#require(memberId);
    this.#router.applyAnswer(memberId, revision, sdp);
  }

  addCandidate(memberId: string, connection: 'main' | SourceName, candidate: string, mid: string): void {
    this.#require(memberId);
    this.#router.addRemoteCandidate(memberId, connection, candidate, mid);
  }

  setView(memberId: string, sources: Parameters<Router['setView']>[1]): void {
    this.#require(memberId);
    this.#router.setView(memberId, sources);
  }

  setPins(memberId: string, pinned: readonly string[]): void {
    this.#require(memberId);
    this.#router.setPins(memberId, pinned);
  }

  mlsKeyPackage(memberId: string, keyPackage: string): void {
    this.#require(memberId);
    this.#requireMls().keyPackage(memberId, keyPackage);
  }

  mlsCreate(memberId: string): void {
    this.#require(memberId);
    this.#requireMls().create(memberId);
  }

  mlsCommit(memberId: string, request: MlsCommitRequest): void {
    this.#require(memberId);
    this.#requireMls().commit(memberId, request);
  }

  p2pSignal(memberId: string, signal: Parameters<MediaPathPolicy['signal']>[1]): void {
    this.#require(memberId);
    this.#mediaPath.signal(memberId, signal);
  }

  setMuted(memberId: string, kind: 'audio' | 'video' | 'screen', muted: boolean): void {
    const member = this.#require(memberId);
    if (kind === 'audio') member.audioMuted = muted;
    else if (kind === 'video') member.videoMuted = muted;
    else member.screenSharing = !muted;
    // Only the member turns a source on again, also after a moderator muted it.
    if (!muted && kind !== 'screen') this.#router.setSilenced(memberId, kind === 'audio' ? 'microphone' : 'camera', false);
    this.#broadcast({ type: 'member-updated', member: member.info() }, memberId);
  }

  /** Passes opaque bytes to one member or to everyone else; the payload is never inspected. */
  relay(fromId: string, to: string | undefined, payload: string): void {
    this.#require(fromId);
    if (to !== undefined) {
      const target = this.#members.get(to);
      if (!target || to === fromId) throw new ProtocolError('unknown-member', 'no such member in this meeting');
      target.channel.send({ type: 'relay', from: fromId, payload });
      return;
    }
    this.#broadcast({ type: 'relay', from: fromId, payload }, fromId);
  }

  #broadcast(message: ServerMessage, exceptId?: string): void {
    for (const member of this.#members.values()) {
      if (member.id !== exceptId) member.channel.send(message);
    }
  }

  #tracksMessage(slots: SlotInfo[]): ServerMessage {
    return {
      type: 'tracks',
      slots: slots.map((s) => ({
        mid: s.mid,
        kind: s.kind,
        memberId: s.publisher?.memberId ?? null,
        source: s.publisher?.source ?? null,
      })),
    };
  }
}

function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
