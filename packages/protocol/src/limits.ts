/** Version of the signaling protocol; `hello` must carry exactly this. */
export const PROTOCOL_VERSION = 1;

/** Largest text frame the server accepts; larger frames close the socket (1009). */
export const MAX_FRAME_BYTES = 64 * 1024;

/** Longest display name, in UTF-16 code units, after trimming. */
export const MAX_NAME_LENGTH = 64;

/** Room names: URL-safe, so a room is just a path on the server. */
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/;

/** Largest SDP a client may send (a big simulcast offer is ~10 KiB). */
export const MAX_SDP_LENGTH = 32 * 1024;

/** Largest opaque relay payload (base64 text), e.g. an MLS Welcome for ~100 members. */
export const MAX_RELAY_PAYLOAD_LENGTH = 48 * 1024;

/** Names of published sources. One publish-only peer connection exists per video source. */
export const VIDEO_SOURCES = ['camera', 'screen'] as const;
export type VideoSource = (typeof VIDEO_SOURCES)[number];

/** Largest MLS message (base64 text): a Welcome for 100 members is ~22 KB, ~30 KB as base64. */
export const MAX_MLS_MESSAGE_LENGTH = 48 * 1024;

/** Most key packages one commit adds, or members it removes. */
export const MAX_MLS_BATCH = 100;
