import * as v from 'valibot';
import { MAX_NAME_LENGTH, MAX_SDP_LENGTH, ROOM_NAME_PATTERN, VIDEO_SOURCES } from './limits.ts';

/**
 * A protocol version: an integer. (A bare number let `1e309`, i.e. Infinity, through, which no
 * JSON can carry back; found by fuzzing.)
 */
export const ProtocolVersion = v.pipe(v.number(), v.integer());
export const RequestId = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 31 - 1));
export const MemberId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,32}$/));
export const RoomName = v.pipe(v.string(), v.regex(ROOM_NAME_PATTERN, 'room names are 3-64 letters, digits, - or _'));
export const DisplayName = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'a name is required'),
  v.maxLength(MAX_NAME_LENGTH, `names are at most ${MAX_NAME_LENGTH} characters`),
);
export const Sdp = v.pipe(v.string(), v.minLength(10), v.maxLength(MAX_SDP_LENGTH));
export const VideoSourceName = v.picklist(VIDEO_SOURCES);
export const MediaKind = v.picklist(['audio', 'video']);

/** What a member may do in its meeting (docs/moderation.md). The first member is a moderator. */
export const Role = v.picklist(['moderator', 'participant']);
export type Role = v.InferOutput<typeof Role>;

/** A member as others see it. */
export const MemberInfo = v.object({
  id: MemberId,
  name: v.string(),
  audioMuted: v.boolean(),
  videoMuted: v.boolean(),
  /** They share their screen. */
  screenSharing: v.boolean(),
  /** `moderator` or `participant` (docs/moderation.md). */
  role: Role,
  /** Raised hand: its place in the meeting's queue (smaller = raised earlier); null when down. */
  hand: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))),
});
export type MemberInfo = v.InferOutput<typeof MemberInfo>;

/**
 * An ICE server handed to clients: the configured TURN servers with short-lived credentials
 * (TURN REST API: the username starts with the expiry time in Unix seconds).
 */
export const IceServerInfo = v.object({
  urls: v.array(v.string()),
  username: v.optional(v.string()),
  credential: v.optional(v.string()),
});
export type IceServerInfo = v.InferOutput<typeof IceServerInfo>;

/** The TURN servers of a join, a media restart or a refresh: at most a few. */
export const IceServerList = v.pipe(v.array(IceServerInfo), v.maxLength(4));
