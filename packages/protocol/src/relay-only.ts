import { parse, write } from 'sdp-transform';

/**
 * Used by the server on signals it passes on, and by each client on what it sends itself (so a
 * client that chose relay exposes nothing even to a server that would not strip it).
 *
 * What may pass between two peers in `relay` mode, where neither may learn the other's IP
 * address: relay candidates only (the TURN server's address), their related address (the
 * client's own address as the TURN server saw it) blanked, and no address in the SDP's c= or
 * a=rtcp lines. Returns null for a candidate that must not pass.
 */
export function relayOnlyCandidate(candidate: string): string | null {
  const fields = candidate.trim().split(/\s+/);
  const typ = fields.indexOf('typ');
  if (typ < 0 || fields[typ + 1] !== 'relay') return null;
  const raddr = fields.indexOf('raddr');
  if (raddr >= 0 && raddr + 1 < fields.length) fields[raddr + 1] = '0.0.0.0';
  const rport = fields.indexOf('rport');
  if (rport >= 0 && rport + 1 < fields.length) fields[rport + 1] = '0';
  return fields.join(' ');
}

export function relayOnlySdp(sdp: string): string {
  const session = parse(sdp);
  if (session.origin) session.origin.address = '127.0.0.1';
  if (session.connection) session.connection.ip = '0.0.0.0';
  for (const media of session.media) {
    if (media.connection) media.connection.ip = '0.0.0.0';
    if (media.port !== 0) media.port = 9;
    if (media.rtcp?.address) media.rtcp.address = '0.0.0.0';
    media.candidates = (media.candidates ?? [])
      .filter((c) => c.type === 'relay')
      .map((c) => ({ ...c, raddr: '0.0.0.0', rport: 0 }));
    if (!media.candidates.length) delete media.candidates;
  }
  return write(session);
}
