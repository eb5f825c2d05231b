/** RTP headers as the SFU reads every packet a publisher sends (sfu/rtp/rtp-view.ts). */
import {
  HEADER_WITH_TRANSPORT_SEQUENCE,
  isRtcp,
  MAX_RTP_PACKET_BYTES,
  RtpView,
  writeRetransmission,
  writeRewritten,
} from '../../packages/server/src/sfu/rtp/rtp-view.ts';
import { holds } from '../property.ts';

const view = new RtpView();
const out = Buffer.alloc(MAX_RTP_PACKET_BYTES + HEADER_WITH_TRANSPORT_SEQUENCE);
const rewrite = { payloadType: 96, sequence: 1, timestamp: 2, ssrc: 3 };

export function fuzz(data: Buffer): void {
  isRtcp(data);
  if (!view.reset(data)) return;
  const end = view.payloadOffset + view.payloadLength;
  holds(view.payloadOffset >= 12 && view.payloadLength >= 0 && end <= data.length, 'the payload lies inside the packet');
  for (let id = 0; id <= 15; id++) {
    // Two-byte elements may be empty (RFC 8285 §4.3); readers check the length they need.
    const value = view.extension(id);
    if (!value) continue;
    const start = value.byteOffset - data.byteOffset;
    holds(
      start >= view.extensionStart && start + value.length <= view.extensionEnd,
      'an extension lies inside the extension block',
    );
  }
  holds(view.payload().length === view.payloadLength, 'payload() has payloadLength bytes');
  // What the SFU does with every packet it accepts (larger ones are dropped before this).
  if (data.length > MAX_RTP_PACKET_BYTES) return;
  const forwarded = writeRewritten(view, rewrite, out, { extensionId: 5, sequence: 7 });
  holds(forwarded.length === HEADER_WITH_TRANSPORT_SEQUENCE + view.payloadLength, 'a rewritten packet keeps the payload');
  const resent = writeRetransmission(view, rewrite, 9, out);
  holds(resent.length === 14 + view.payloadLength, 'a retransmission keeps the payload');
}
