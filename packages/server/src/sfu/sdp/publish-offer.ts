import { parse, write } from 'sdp-transform';
import { SdpError } from './sdp-error.ts';

export { SdpError };

/** Simulcast layers per source: each gets a packet cache, so their number is bounded. */
export const MAX_SIMULCAST_LAYERS = 3;

export interface PublishOffer {
  /** The offer reduced to the one codec the SFU forwards. */
  sdp: string;
  kind: 'audio' | 'video';
  /** Payload type the publisher will send that codec with. */
  payloadType: number;
  /** Simulcast layers by rid, in the order offered (smallest first, by our convention); [] without simulcast. */
  rids: string[];
  /** Header extension ids the publisher uses. */
  extensions: HeaderExtensionIds;
}

export const EXTENSION_URIS = {
  rid: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  transportCc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
} as const;

export type HeaderExtensionIds = Partial<Record<keyof typeof EXTENSION_URIS, number>>;

/** The ids of the header extensions the SFU reads, from one m-line's `a=extmap` lines. */
export function extensionIds(ext: ReadonlyArray<{ value: number; uri: string }> | undefined): HeaderExtensionIds {
  const ids: HeaderExtensionIds = {};
  for (const [name, uri] of Object.entries(EXTENSION_URIS) as Array<[keyof typeof EXTENSION_URIS, string]>) {
    const found = ext?.find((e) => e.uri === uri);
    if (found) ids[name] = found.value;
  }
  return ids;
}

/**
 * Checks a publish offer (exactly one m-line, as the engine needs for simulcast) and removes every
 * codec but `codec` (with its RTX/FEC companions) so the browser cannot pick one we don't forward.
 */
export function preparePublishOffer(sdp: string, codec: string): PublishOffer {
  let session: ReturnType<typeof parse>;
  try {
    session = parse(sdp);
  } catch {
    throw new SdpError('the offer is not valid SDP');
  }
  if (session.media.length !== 1) throw new SdpError('a publish offer must have exactly one m-line');
  const media = session.media[0];
  if (!media || (media.type !== 'video' && media.type !== 'audio'))
    throw new SdpError('a publish offer must carry audio or video');
  // sdp-transform turns number-like values into numbers (a codec named `123`, a lone SSRC): String() first.
  const wanted = media.rtp.find((r) => String(r.codec).toLowerCase() === codec.toLowerCase());
  if (!wanted) throw new SdpError(`the offer has no ${codec} codec`);
  const keep = new Set([wanted.payload]);
  media.rtp = media.rtp.filter((r) => keep.has(r.payload));
  media.fmtp = (media.fmtp ?? []).filter((f) => keep.has(f.payload));
  media.rtcpFb = (media.rtcpFb ?? []).filter((f) => f.payload === '*' || keep.has(Number(f.payload)));
  media.payloads = [...keep].join(' ');
  // SSRC groups name the RTX/FEC streams we just removed; drop those SSRCs' lines too.
  const companions = new Set((media.ssrcGroups ?? []).flatMap((g) => String(g.ssrcs).split(' ').slice(1).map(Number)));
  media.ssrcs = (media.ssrcs ?? []).filter((line) => !companions.has(Number(line.id)));
  delete media.ssrcGroups;
  const rids = (media.rids ?? []).filter((r) => r.direction === 'send').map((r) => String(r.id));
  if (rids.length > MAX_SIMULCAST_LAYERS) throw new SdpError(`at most ${MAX_SIMULCAST_LAYERS} simulcast layers`);
  if (new Set(rids).size !== rids.length) throw new SdpError('a simulcast layer is named twice');
  return { sdp: write(session), kind: media.type, payloadType: wanted.payload, rids, extensions: extensionIds(media.ext) };
}
