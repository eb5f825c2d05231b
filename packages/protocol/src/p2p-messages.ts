import * as v from 'valibot';
import { IceServerList, MemberId, RequestId, Sdp } from './common.ts';

/**
 * Media between exactly two participants can go peer to peer (docs/media-path.md):
 * - `off`: always through the server's bridge;
 * - `relay`: peer to peer through TURN (iceTransportPolicy 'relay'): neither sees the other's IP;
 * - `direct`: peer to peer, each sees the other's IP address.
 * The server's setting is the most allowed; a meeting's creator and each member may restrict it.
 */
export const P2pMode = v.picklist(['off', 'relay', 'direct']);
export type P2pMode = v.InferOutput<typeof P2pMode>;

const PRIVACY_ORDER: readonly P2pMode[] = ['off', 'relay', 'direct'];
/** The most private of several modes. */
export function strictest(...modes: P2pMode[]): P2pMode {
  return PRIVACY_ORDER[Math.min(...modes.map((m) => PRIVACY_ORDER.indexOf(m)))] as P2pMode;
}

const Session = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2 ** 31 - 1));
const Description = v.object({ type: v.picklist(['offer', 'answer']), sdp: Sdp });
const PeerCandidate = v.object({
  candidate: v.pipe(v.string(), v.maxLength(512)),
  mid: v.pipe(v.string(), v.maxLength(32)),
});

/** An offer, answer or ICE candidate for the member's current peer-to-peer `session`. */
export const P2pSignal = v.object({
  type: v.literal('p2p-signal'),
  id: RequestId,
  session: Session,
  description: v.optional(Description),
  candidate: v.optional(PeerCandidate),
});

/**
 * Where the member's media goes now. `p2p`: connect to `peer` (the `offerer` makes the offer);
 * keep the bridge connections open but idle; `iceServers` holds short-lived TURN credentials for
 * this session (only these two members ever get any). `bridge`: everything through the server.
 * A client never goes further than its own choice, whatever `mode` says.
 */
export const MediaPath = v.variant('path', [
  v.object({ type: v.literal('media-path'), path: v.literal('bridge') }),
  v.object({
    type: v.literal('media-path'),
    path: v.literal('p2p'),
    session: Session,
    peer: MemberId,
    mode: v.picklist(['relay', 'direct']),
    offerer: v.boolean(),
    iceServers: IceServerList,
  }),
]);

/** A signal from the peer, already checked by the server (in `relay` mode: relay candidates only). */
export const P2pSignalEvent = v.object({
  type: v.literal('p2p-signal'),
  from: MemberId,
  session: Session,
  description: v.optional(Description),
  candidate: v.optional(PeerCandidate),
});
