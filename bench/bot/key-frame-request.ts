const RTCP_PSFB = 206;
const FMT_PLI = 1;
const FMT_FIR = 4;

/**
 * True when a (possibly compound) RTCP packet holds a PLI or FIR: the sender wants a key frame.
 * Janus compounds its feedback (receiver report + REMB + PLI), so every part is looked at.
 */
export function hasKeyFrameRequest(packet: Buffer): boolean {
  let offset = 0;
  while (offset + 4 <= packet.length) {
    const fmt = (packet[offset] as number) & 0x1f;
    if (packet[offset + 1] === RTCP_PSFB && (fmt === FMT_PLI || fmt === FMT_FIR)) return true;
    offset += (packet.readUInt16BE(offset + 2) + 1) * 4;
  }
  return false;
}
