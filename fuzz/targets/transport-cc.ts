/** Transport-wide congestion control feedback from a subscriber (sfu/rtp/transport-cc.ts). */
import { MAX_FEEDBACK_PACKETS, parseTransportCcFeedback } from '../../packages/server/src/sfu/rtp/transport-cc.ts';
import { holds } from '../property.ts';

export function fuzz(data: Buffer): void {
  // Feedback is parsed where parseRtcp found it: at the start, or behind other RTCP packets.
  for (const offset of [0, 4 * ((data[data.length - 1] ?? 0) % 8)]) {
    const feedback = parseTransportCcFeedback(data, offset);
    if (!feedback) continue;
    const count = data.readUInt16BE(offset + 14);
    holds(feedback.packets.length <= MAX_FEEDBACK_PACKETS, 'transport-cc packets <= MAX_FEEDBACK_PACKETS');
    holds(feedback.packets.length === count, 'one entry per packet status');
    feedback.packets.forEach((p, i) => {
      holds(p.sequence === ((feedback.baseSequence + i) & 0xffff), 'consecutive sequence numbers');
      holds(p.arrivalMs === null || Number.isFinite(p.arrivalMs), 'arrival times are finite');
    });
  }
}
