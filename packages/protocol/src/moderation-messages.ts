import * as v from 'valibot';
import { DisplayName, MediaKind, MemberId, RequestId, RoomName } from './common.ts';

/** Longest meeting password, in UTF-16 code units. */
export const MAX_PASSWORD_LENGTH = 128;
export const Password = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_PASSWORD_LENGTH));

/** Raise (true) or lower (false) our own hand. Result: `{}`. */
export const RaiseHand = v.object({ type: v.literal('raise-hand'), id: RequestId, raised: v.boolean() });

/**
 * What a moderator can do. Every action is refused with `forbidden` for a member without the
 * moderator role (one check on the server, for all of them).
 */
export const ModerationAction = v.variant('type', [
  /** Stops a member's microphone (audio) or camera (video) for everyone; only they can turn it on again. */
  v.object({ type: v.literal('mute'), memberId: MemberId, kind: MediaKind }),
  /** `mute` for everyone but the moderator. */
  v.object({ type: v.literal('mute-all'), kind: MediaKind }),
  /** Asks a member to turn their microphone or camera on; they decide. */
  v.object({ type: v.literal('ask-unmute'), memberId: MemberId, kind: MediaKind }),
  /** Removes a member from the meeting (and from its MLS group at once). */
  v.object({ type: v.literal('remove'), memberId: MemberId }),
  v.object({ type: v.literal('grant-moderator'), memberId: MemberId }),
  v.object({ type: v.literal('lower-hand'), memberId: MemberId }),
  /** A locked meeting lets nobody new in (members who drop may still resume). */
  v.object({ type: v.literal('lock'), locked: v.boolean() }),
  /** Newcomers must give this password to join; null removes it. */
  v.object({ type: v.literal('set-password'), password: v.nullable(Password) }),
  /** Newcomers knock and wait until a moderator admits them. */
  v.object({ type: v.literal('lobby'), enabled: v.boolean() }),
  v.object({ type: v.literal('admit'), knockId: MemberId }),
  v.object({ type: v.literal('deny'), knockId: MemberId }),
  /** Ends the meeting for everyone. */
  v.object({ type: v.literal('end-meeting') }),
]);
export type ModerationAction = v.InferOutput<typeof ModerationAction>;

export const Moderate = v.object({ type: v.literal('moderate'), id: RequestId, action: ModerationAction });

/**
 * Instead of `join` when the meeting has a lobby (`join` failed with `in-lobby`): waits for a
 * moderator. Result: `{}`; then `knock-answer` says whether we may come in.
 */
export const Knock = v.object({
  type: v.literal('knock'),
  id: RequestId,
  room: RoomName,
  name: DisplayName,
  password: v.optional(Password),
  /** A room token, where the server needs one from everyone (docs/auth.md). */
  token: v.optional(v.pipe(v.string(), v.maxLength(8192))),
});

/** A lobby admission, good for one `join` (its `ticket`). */
export const Ticket = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/));

/** To the member concerned: a moderator muted us (the server stopped forwarding it), or asks us to unmute. */
export const ModerationEvent = v.object({
  type: v.literal('moderation'),
  request: v.picklist(['muted', 'ask-unmute']),
  kind: MediaKind,
  by: MemberId,
});

/** A meeting's settings (moderators change them): in the join reply, then `room-state` on change. */
export const RoomSettings = v.object({ locked: v.boolean(), lobby: v.boolean(), passwordSet: v.boolean() });
export type RoomSettings = v.InferOutput<typeof RoomSettings>;

/** The meeting's settings changed (to every member). */
export const RoomState = v.object({ type: v.literal('room-state'), settings: RoomSettings });

/** To moderators: who is knocking in the lobby now (in arrival order). */
export const LobbyEvent = v.object({
  type: v.literal('lobby'),
  knocking: v.array(v.object({ knockId: MemberId, name: v.string() })),
});

/** To someone knocking: admitted (join now with `ticket`) or denied. */
export const KnockAnswer = v.object({
  type: v.literal('knock-answer'),
  admitted: v.boolean(),
  ticket: v.optional(Ticket),
});
