import * as v from 'valibot';
import { DisplayName, MemberId, ProtocolVersion, RequestId, RoomName, Sdp, VideoSourceName } from './common.ts';
import { MAX_RELAY_PAYLOAD_LENGTH } from './limits.ts';
import { MlsCommit, MlsCreate, MlsKeyPackage } from './mls-messages.ts';
import { Knock, Moderate, Password, RaiseHand, Ticket } from './moderation-messages.ts';
import { P2pMode, P2pSignal } from './p2p-messages.ts';

/** First message on every socket. */
export const Hello = v.object({ type: v.literal('hello'), id: RequestId, protocol: ProtocolVersion });

/**
 * Enter a room. The reply carries the member's id and who is already there. `e2ee: false` asks
 * for a meeting without end-to-end encryption; only honoured when the room is new and the server
 * allows such rooms.
 */
export const Join = v.object({
  type: v.literal('join'),
  id: RequestId,
  room: RoomName,
  name: DisplayName,
  e2ee: v.optional(v.boolean()),
  /**
   * Whether this client can and may go peer to peer with one other member, and how (absent =
   * `off`). The meeting's creator also sets the most the meeting allows.
   */
  p2p: v.optional(P2pMode),
  /** The meeting's password, when it has one (else `password-required` / `wrong-password`). */
  password: v.optional(Password),
  /** A lobby admission (`knock-answer`), when the meeting has a lobby. */
  ticket: v.optional(Ticket),
  /** A room token (JWT, docs/auth.md), when the server asks for one or it grants the moderator role. */
  token: v.optional(v.pipe(v.string(), v.maxLength(8192))),
});

export const Leave = v.object({ type: v.literal('leave'), id: RequestId });

/**
 * Instead of `join` on a new socket after the previous one dropped: takes the membership back
 * with the `resumeToken` of the join reply, as long as the server still holds it (a few seconds).
 * Fails with `not-joined` when it does not (then join afresh).
 */
export const Resume = v.object({
  type: v.literal('resume'),
  id: RequestId,
  token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)),
});

/** Offer of a publish-only peer connection for one video source (one m-line). Reply: the answer. */
export const Publish = v.object({ type: v.literal('publish'), id: RequestId, source: VideoSourceName, sdp: Sdp });

export const Unpublish = v.object({ type: v.literal('unpublish'), id: RequestId, source: VideoSourceName });

/** The client's answer to the server's latest offer of the receive connection. */
export const Answer = v.object({
  type: v.literal('answer'),
  id: RequestId,
  /** The `revision` of the offer this answers; a stale answer is refused. */
  revision: v.pipe(v.number(), v.integer(), v.minValue(0)),
  sdp: Sdp,
});

/** A trickled ICE candidate for one of the member's connections ('main' or a source name). */
export const Candidate = v.object({
  type: v.literal('candidate'),
  id: RequestId,
  connection: v.picklist(['main', 'camera', 'screen']),
  candidate: v.pipe(v.string(), v.maxLength(512)),
  mid: v.pipe(v.string(), v.maxLength(32)),
});

/**
 * Tell the room that a mic or camera was switched off or on, or that screen sharing stopped
 * (`screen`, muted) or started (the screen's media comes on its own publish connection, or peer
 * to peer).
 */
export const Mute = v.object({
  type: v.literal('mute'),
  id: RequestId,
  kind: v.picklist(['audio', 'video', 'screen']),
  muted: v.boolean(),
});

/**
 * Opaque bytes for other members (E2EE handshakes, encrypted chat). The server never reads
 * `payload`; `to` omitted means everyone else in the room.
 */
export const Relay = v.object({
  type: v.literal('relay'),
  id: RequestId,
  to: v.optional(MemberId),
  payload: v.pipe(v.string(), v.maxLength(MAX_RELAY_PAYLOAD_LENGTH), v.base64()),
});

/** Largest rendered dimension a client may report, in device pixels. */
const RenderedDimension = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(16384));

/**
 * What the client renders now: each remote video source's size on screen in device pixels
 * (0×0 or absent = not rendered: hidden, off-screen, minimised). The server forwards the smallest
 * layer that covers it, and nothing for sources that are not rendered.
 */
export const View = v.object({
  type: v.literal('view'),
  id: RequestId,
  sources: v.pipe(
    v.array(v.object({ memberId: MemberId, source: VideoSourceName, width: RenderedDimension, height: RenderedDimension })),
    v.maxLength(256),
  ),
});

/**
 * Our media connections failed (the receive connection, or a publish connection): the server
 * replaces all of them and keeps the membership. A `media-restart` event follows, then the new
 * receive connection's offer. Refused with `rate-limited` past a few restarts a minute (then
 * leave and join afresh).
 */
export const RestartMedia = v.object({ type: v.literal('restart-media'), id: RequestId });

/**
 * A connection test (the /doctor page), with or without a meeting: the offer of a peer connection
 * with one data channel, which the server's media port answers and echoes for up to 30 s.
 */
export const Probe = v.object({ type: v.literal('probe'), id: RequestId, sdp: Sdp });

/** Fresh TURN credentials for a bridge connection opened later than the join's last long (`IceServersResult`). */
export const IceServers = v.object({ type: v.literal('ice-servers'), id: RequestId });

/** Members whose video this client wants most (first = most); they always get a last-N place. */
export const Pin = v.object({ type: v.literal('pin'), id: RequestId, memberIds: v.pipe(v.array(MemberId), v.maxLength(16)) });

export const ClientMessage = v.variant('type', [
  Hello,
  Join,
  Resume,
  Leave,
  Publish,
  Unpublish,
  Answer,
  Candidate,
  Mute,
  Relay,
  View,
  Pin,
  RestartMedia,
  IceServers,
  Probe,
  RaiseHand,
  Moderate,
  Knock,
  MlsKeyPackage,
  MlsCreate,
  MlsCommit,
  P2pSignal,
]);
export type ClientMessage = v.InferOutput<typeof ClientMessage>;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = ClientMessage.options.map((o) => o.entries.type.literal);
