/**
 * A publish offer on the router's path (sfu/router.ts publish): structural check, reduction to
 * VP8, candidates taken out, and the simulcast answer rewrite on what the engine would answer.
 */
import { parse } from 'sdp-transform';
import { withoutCandidates } from '../../packages/server/src/sfu/sdp/candidates.ts';
import { checkRemoteSdp } from '../../packages/server/src/sfu/sdp/check-remote-sdp.ts';
import { MAX_SIMULCAST_LAYERS, preparePublishOffer } from '../../packages/server/src/sfu/sdp/publish-offer.ts';
import { SdpError } from '../../packages/server/src/sfu/sdp/sdp-error.ts';
import { acceptSimulcast } from '../../packages/server/src/sfu/sdp/simulcast-answer.ts';
import { holds, throwsOnly } from '../property.ts';

const EXPECT = { type: 'offer', mediaSections: 1 } as const;

export function fuzz(data: Buffer): void {
  const text = data.toString('utf8');
  // Unchecked, the reduction must still refuse only with SdpError (it was the router's first step).
  throwsOnly(SdpError, () => preparePublishOffer(text, 'VP8'));
  let checked: ReturnType<typeof checkRemoteSdp>;
  try {
    checked = checkRemoteSdp(text, EXPECT);
  } catch (error) {
    if (error instanceof SdpError) return;
    throw error;
  }
  holds(checkRemoteSdp(checked.sdp, EXPECT).sdp === checked.sdp, 'a checked SDP passes the check again, unchanged');
  let offer: ReturnType<typeof preparePublishOffer>;
  try {
    offer = preparePublishOffer(checked.sdp, 'VP8');
  } catch (error) {
    if (error instanceof SdpError) return;
    throw error;
  }
  holds(offer.rids.length <= MAX_SIMULCAST_LAYERS, 'at most 3 simulcast layers');
  holds(Number.isInteger(offer.payloadType) && offer.payloadType >= 0 && offer.payloadType <= 127, 'a 7-bit payload type');
  for (const id of Object.values(offer.extensions)) holds(Number.isInteger(id) && id >= 1 && id <= 14, 'extension ids 1-14');
  const stripped = withoutCandidates(offer.sdp);
  // The engine's answer copies rids and simulcast as `send`; acceptSimulcast must turn all of them.
  const answer = acceptSimulcast(stripped.sdp);
  for (const media of parse(answer).media) {
    holds(
      (media.rids ?? []).every((r) => r.direction !== 'send'),
      'no rid stays send in the answer',
    );
    holds(media.simulcast?.dir1 !== 'send' && media.simulcast?.dir2 !== 'send', 'no simulcast stays send');
  }
}
