import type { Video } from 'node-datachannel';
import nodeDataChannel from 'node-datachannel';

/** One encoding a bot sends: a simulcast layer (with its rid) or the only stream. */
export interface VideoEncoding {
  rid: string | null;
  width: number;
  height: number;
  /** bit/s */
  bitrate: number;
}

/** Three layers as a browser sends them for a 720p camera, smallest first (rids q/h/f). */
export const SIMULCAST_ENCODINGS: readonly VideoEncoding[] = [
  { rid: 'q', width: 320, height: 180, bitrate: 150_000 },
  { rid: 'h', width: 640, height: 360, bitrate: 500_000 },
  { rid: 'f', width: 1280, height: 720, bitrate: 1_500_000 },
];

/** Chrome's ids for these URIs, so offers look like a browser's. */
export const MID_EXTENSION = { id: 4, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' } as const;
export const RID_EXTENSION = { id: 10, uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id' } as const;

export interface VideoDescriptionOptions {
  mid: string;
  payloadType: number;
  encodings: readonly VideoEncoding[];
  /** SSRC of each encoding, same order. */
  ssrcs: readonly number[];
  /**
   * List the SSRCs in the SDP. Browsers do not for rid layers; a bot may, so that libdatachannel
   * can route the SFU's RTCP about them (PLI) to this track on a connection with several m-lines.
   */
  listSsrcs: boolean;
}

/**
 * A send-only VP8 m-line; with several encodings, a simulcast offer (RFC 8853): `a=rid:X send`
 * per layer and `a=simulcast:send q;h;f`, plus the mid and rid header extensions the layers carry.
 */
export function videoDescription(options: VideoDescriptionOptions): Video {
  const video = new nodeDataChannel.Video(options.mid, 'SendOnly');
  video.addVP8Codec(options.payloadType);
  const rids = options.encodings.map((e) => e.rid).filter((rid): rid is string => rid !== null);
  if (rids.length) {
    video.parseSdpLine(`a=extmap:${MID_EXTENSION.id} ${MID_EXTENSION.uri}`);
    video.parseSdpLine(`a=extmap:${RID_EXTENSION.id} ${RID_EXTENSION.uri}`);
    for (const rid of rids) video.parseSdpLine(`a=rid:${rid} send`);
    video.parseSdpLine(`a=simulcast:send ${rids.join(';')}`);
  }
  if (!rids.length || options.listSsrcs) {
    options.ssrcs.forEach((ssrc, i) => {
      if (i === 0) video.addSSRC(ssrc, 'bot', 'bot-camera', 'bot-camera-track');
      else video.addSSRC(ssrc, 'bot');
    });
  }
  return video;
}
