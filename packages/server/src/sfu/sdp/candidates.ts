import { parse, write } from 'sdp-transform';

/**
 * Replaces every ICE candidate in an SDP with one host candidate on the announced address and the
 * shared media port, so browsers only ever try the address the operator chose (`--public-ip`).
 */
export function announceCandidates(sdp: string, address: string, port: number): string {
  const session = parse(sdp);
  const family = address.includes(':') ? 'IP6' : 'IP4';
  for (const media of session.media) {
    if (!media.candidates?.length) continue;
    media.candidates = [
      { foundation: '1', component: 1, transport: 'UDP', priority: 2122317823, ip: address, port, type: 'host' },
    ];
    media.connection = { version: family === 'IP6' ? 6 : 4, ip: address };
  }
  return write(session);
}

export interface SdpCandidate {
  /** The candidate attribute value, as in RTCIceCandidate.candidate (`candidate:…`). */
  candidate: string;
  mid: string;
}

/**
 * Takes the ICE candidates out of a description. Why: libdatachannel starts DTLS as soon as ICE
 * connects and fails the handshake if the peer's fingerprint (from the other side's description)
 * is not known yet. Handing out candidates only after the other side's description is applied
 * makes that order certain.
 */
export function withoutCandidates(sdp: string): { sdp: string; candidates: SdpCandidate[] } {
  const session = parse(sdp);
  const candidates: SdpCandidate[] = [];
  for (const [index, media] of session.media.entries()) {
    const mid = media.mid !== undefined ? String(media.mid) : String(index);
    for (const c of media.candidates ?? []) {
      candidates.push({
        candidate: `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.ip} ${c.port} typ ${c.type}`,
        mid,
      });
    }
    delete media.candidates;
    delete media.endOfCandidates;
  }
  // With BUNDLE, one set of candidates serves every m-line: keep those of the first.
  const firstMid = candidates[0]?.mid;
  return { sdp: write(session), candidates: candidates.filter((c) => c.mid === firstMid) };
}
