/** Compound RTCP from a subscriber or publisher (sfu/rtp/rtcp.ts parseRtcp), and what the SFU does with each item. */
import { MAX_NACKED_PER_PACKET, parseRtcp, rewriteSenderReport } from '../../packages/server/src/sfu/rtp/rtcp.ts';
import { MAX_FEEDBACK_PACKETS, parseTransportCcFeedback } from '../../packages/server/src/sfu/rtp/transport-cc.ts';
import { holds } from '../property.ts';

export function fuzz(data: Buffer): void {
  const items = parseRtcp(data);
  holds(items.length <= data.length / 4, 'RTCP items <= input bytes / 4');
  let nacked = 0;
  let feedbackPackets = 0;
  for (const item of items) {
    if (item.type === 'nack') {
      nacked += item.sequences.length;
      holds(
        item.sequences.every((s) => Number.isInteger(s) && s >= 0 && s <= 0xffff),
        'NACKed sequence numbers are 16-bit',
      );
    } else if (item.type === 'transport-cc') {
      const feedback = parseTransportCcFeedback(data, item.offset);
      feedbackPackets += feedback?.packets.length ?? 0;
    } else if (item.type === 'sr') {
      holds(rewriteSenderReport(data, item.offset, 1, 2).length === 28, 'a rewritten SR is 28 bytes');
    }
  }
  holds(nacked <= MAX_NACKED_PER_PACKET, 'NACKed sequences <= MAX_NACKED_PER_PACKET');
  holds(feedbackPackets <= MAX_FEEDBACK_PACKETS, 'transport-cc packets in one compound packet <= MAX_FEEDBACK_PACKETS');
}
