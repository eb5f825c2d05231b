import * as v from 'valibot';
import { IceServerList, MediaKind, MemberId, MemberInfo, ProtocolVersion, RequestId, Sdp } from './common.ts';
import { ERROR_CODES } from './errors.ts';
import { MlsCommitEvent, MlsTask, MlsWelcome } from './mls-messages.ts';
import { KnockAnswer, LobbyEvent, ModerationEvent, RoomSettings, RoomState } from './moderation-messages.ts';
import { MediaPath, P2pSignalEvent } from './p2p-messages.ts';

/** Successful reply to the request with the same `id`; `result`'s shape depends on the request. */
export const Ok = v.object({ type: v.literal('ok'), id: RequestId, result: v.unknown() });

/** Failed request (`id` set) or a problem with a frame that had no usable id (`id` null). */
export const ErrorReply = v.object({
  type: v.literal('error'),
  id: v.nullable(RequestId),
  code: v.picklist(ERROR_CODES),
  message: v.string(),
});

export const MemberJoined = v.object({ type: v.literal('member-joined'), member: MemberInfo });
export const MemberLeft = v.object({ type: v.literal('member-left'), memberId: MemberId });
export const MemberUpdated = v.object({ type: v.literal('member-updated'), member: MemberInfo });

/** A new offer for the member's receive connection; answer with `answer` and the same revision. */
export const Offer = v.object({
  type: v.literal('offer'),
  revision: v.pipe(v.number(), v.integer(), v.minValue(0)),
  sdp: Sdp,
});

/**
 * What each receive slot (an m-line of the receive connection, by mid) currently carries. Slots
 * are reused as sources come and go, so renegotiation happens only when more slots are needed.
 * A slot with `memberId` null is idle.
 */
export const TrackSlot = v.object({
  mid: v.string(),
  kind: MediaKind,
  memberId: v.nullable(MemberId),
  source: v.nullable(v.picklist(['microphone', 'camera', 'screen'])),
});
export type TrackSlot = v.InferOutput<typeof TrackSlot>;
export const Tracks = v.object({ type: v.literal('tracks'), slots: v.array(TrackSlot) });

/**
 * One of the server's ICE candidates for the receive connection. Offers carry none: they follow
 * the first `answer`, so media can only connect once the server knows the client's fingerprint.
 */
export const CandidateEvent = v.object({
  type: v.literal('candidate'),
  connection: v.literal('main'),
  candidate: v.pipe(v.string(), v.maxLength(512)),
  mid: v.pipe(v.string(), v.maxLength(32)),
});

/**
 * Which simulcast layers of the member's own source somebody needs (smallest first): the client
 * should stop sending the others (RTCRtpEncodingParameters.active) until told again.
 */
export const Layers = v.object({
  type: v.literal('layers'),
  source: v.picklist(['camera', 'screen']),
  active: v.pipe(v.array(v.boolean()), v.maxLength(4)),
});

/**
 * The server replaced the member's media connections (they failed or went silent, or the member
 * asked): close the receive and publish connections and make new ones — the next `offer` is for
 * the new receive connection — then publish again. The membership, its id and its keys stay.
 */
export const MediaRestart = v.object({
  type: v.literal('media-restart'),
  /** Fresh TURN credentials for the new bridge connections (as in the join result). */
  iceServers: v.optional(IceServerList),
});

/** The dominant speaker changed (from audio levels, with hysteresis). */
export const Speaker = v.object({ type: v.literal('speaker'), memberId: MemberId });

/**
 * Why the server no longer holds a member in its meeting:
 * - `media-lost`: its media connection failed or went silent and could not be kept;
 * - `vanished`: its signaling socket went away and did not come back in time;
 * - `too-slow`: it did not read what the server sent (too much was waiting for it);
 * - `shutdown`: the server is stopping;
 * - `kicked`: a moderator removed it;
 * - `ended`: a moderator ended the meeting for everyone.
 * (`left` — it asked to — is never sent: the member knows.)
 */
export const REMOVAL_REASONS = ['left', 'media-lost', 'vanished', 'too-slow', 'shutdown', 'kicked', 'ended'] as const;
export type RemovalReason = (typeof REMOVAL_REASONS)[number];

/** The member is no longer in the meeting (see REMOVAL_REASONS); nothing more is accepted from it there. */
export const Removed = v.object({ type: v.literal('removed'), reason: v.picklist(REMOVAL_REASONS) });

/** Opaque bytes from another member (see the client's `relay`). */
export const RelayEvent = v.object({ type: v.literal('relay'), from: MemberId, payload: v.string() });

export const ServerMessage = v.variant('type', [
  Ok,
  ErrorReply,
  MemberJoined,
  MemberLeft,
  MemberUpdated,
  Removed,
  MediaRestart,
  ModerationEvent,
  RoomState,
  LobbyEvent,
  KnockAnswer,
  Offer,
  Tracks,
  CandidateEvent,
  Layers,
  Speaker,
  RelayEvent,
  MlsTask,
  MlsCommitEvent,
  MlsWelcome,
  MediaPath,
  P2pSignalEvent,
]);
export type ServerMessage = v.InferOutput<typeof ServerMessage>;

/** `result` of `hello`. */
export const HelloResult = v.object({ protocol: ProtocolVersion, server: v.string() });
export type HelloResult = v.InferOutput<typeof HelloResult>;

/** `result` of `join`. The receive connection's first offer follows as an `offer` event. */
export const JoinResult = v.object({
  self: MemberInfo,
  members: v.array(MemberInfo),
  /** The meeting is end-to-end encrypted: media and messages need the MLS group's keys. */
  e2ee: v.boolean(),
  /** Secret that lets a new socket take this membership back after a drop (`resume`). */
  resumeToken: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  settings: RoomSettings,
  /**
   * TURN servers for the connections to the bridge, when the server has TURN: the way in for a
   * browser whose UDP to the media port is blocked (TURN over TLS on 443). Absent otherwise.
   */
  iceServers: v.optional(IceServerList),
});
export type JoinResult = v.InferOutput<typeof JoinResult>;

/**
 * `result` of `resume`: everyone in the meeting now, ourselves included, in join order. Events
 * queued while the socket was down follow, then the pending offer, the slots and the speaker.
 */
export const ResumeResult = v.object({ members: v.array(MemberInfo), e2ee: v.boolean() });
export type ResumeResult = v.InferOutput<typeof ResumeResult>;

/** `result` of `ice-servers`: fresh TURN credentials for a new bridge connection (empty without TURN). */
export const IceServersResult = v.object({ iceServers: IceServerList });
export type IceServersResult = v.InferOutput<typeof IceServersResult>;

/** `result` of `probe`: the server's answer to the connection test's offer. */
export const ProbeResult = v.object({ sdp: Sdp });
export type ProbeResult = v.InferOutput<typeof ProbeResult>;

/** `result` of `publish`: the server's answer for that publish connection. */
export const PublishResult = v.object({ sdp: Sdp });
export type PublishResult = v.InferOutput<typeof PublishResult>;
