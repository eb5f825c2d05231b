/**
 * A client's answer to the SFU's receive offer (sfu/subscriber.ts applyAnswer): the structural
 * check in answer mode (mids as offered, no actpass), and its output is a fixpoint.
 */
import { checkRemoteSdp } from '../../packages/server/src/sfu/sdp/check-remote-sdp.ts';
import { SdpError } from '../../packages/server/src/sfu/sdp/sdp-error.ts';
import { holds } from '../property.ts';

const EXPECT = { type: 'answer', mids: ['0', '1'] } as const;

export function fuzz(data: Buffer): void {
  let checked: ReturnType<typeof checkRemoteSdp>;
  try {
    checked = checkRemoteSdp(data.toString('utf8'), EXPECT);
  } catch (error) {
    if (error instanceof SdpError) return;
    throw error;
  }
  holds(checkRemoteSdp(checked.sdp, EXPECT).sdp === checked.sdp, 'a checked SDP passes the check again, unchanged');
  holds(
    checked.session.media.map((m) => String(m.mid)).join(' ') === EXPECT.mids.join(' '),
    'the answer carries the offered mids in order',
  );
}
