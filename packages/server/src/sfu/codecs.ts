/** The codecs the SFU forwards, with the payload types it offers to subscribers. */
export const OPUS = { name: 'opus', payloadType: 111, clockRate: 48000 } as const;
export const VP8 = { name: 'VP8', payloadType: 96, clockRate: 90000 } as const;
/** Retransmissions of VP8 (RFC 4588), on their own SSRC. */
export const VP8_RTX = { name: 'rtx', payloadType: 97, clockRate: 90000 } as const;

export type MediaKind = 'audio' | 'video';
export type SourceName = 'microphone' | 'camera' | 'screen';

export function codecOf(kind: MediaKind): typeof OPUS | typeof VP8 {
  return kind === 'audio' ? OPUS : VP8;
}

/** SSRC the SFU uses as the sender of its own RTCP (PLI, NACK, receiver reports). */
export const SFU_RTCP_SSRC = 0x50770001;

/** Random non-zero 32-bit SSRC. */
export function randomSsrc(): number {
  return (Math.floor(Math.random() * 0xfffffffe) + 1) >>> 0;
}
