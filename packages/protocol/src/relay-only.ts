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
  // RFC 8839 §5.1: foundation component transport priority address port "typ" type, then
  // name-value pairs. Read by position (found by fuzzing: a search for "typ" and "raddr"
  // anywhere let a second raddr through, and could blank the "typ" keyword itself).
  if (fields.length < 8 || fields.length % 2 !== 0 || fields[6] !== 'typ' || fields[7] !== 'relay') return null;
  for (let i = 8; i < fields.length; i += 2) {
    if (fields[i] === 'raddr') fields[i + 1] = '0.0.0.0';
    else if (fields[i] === 'rport') fields[i + 1] = '0';
  }
  return fields.join(' ');
}

/** The parts of a session or media section that can name an address. */
interface AddressBearing {
  candidates?: Array<{ type: string; raddr?: string; rport?: number }>;
  remoteCandidates?: string;
  rtcp?: { address?: string };
  invalid?: Array<{ value: string }>;
}

function blankAddresses(section: AddressBearing): void {
  if (section.rtcp?.address) section.rtcp.address = '0.0.0.0';
  // sdp-transform writes lines it could not read back verbatim: a candidate in a form it does
  // not know would pass untouched. So nothing unread passes (found by fuzzing), nor the
  // addresses a=remote-candidates names.
  delete section.invalid;
  delete section.remoteCandidates;
  section.candidates = (section.candidates ?? [])
    .filter((c) => c.type === 'relay')
    .map((c) => ({ ...c, raddr: '0.0.0.0', rport: 0 }));
  if (!section.candidates.length) delete section.candidates;
}

export function relayOnlySdp(sdp: string): string {
  // Twice: sdp-transform can write a line it cannot read back (a huge payload type becomes
  // `a=fmtp:Infinity`), and the second pass drops it, so that only lines that read back pass
  // (found by fuzzing). Peer-to-peer signals are rare; the second parse costs nothing that matters.
  return sanitize(sanitize(sdp));
}

function sanitize(sdp: string): string {
  const session = parse(sdp);
  if (session.origin) session.origin.address = '127.0.0.1';
  if (session.connection) session.connection.ip = '0.0.0.0';
  blankAddresses(session as AddressBearing);
  for (const media of session.media) {
    if (media.connection) media.connection.ip = '0.0.0.0';
    if (media.port !== 0) media.port = 9;
    blankAddresses(media as AddressBearing);
  }
  return write(session);
}
