/**
 * What may pass between two peers in `relay` mode (protocol/src/relay-only.ts): only relay
 * candidates, their related address blanked, no address in c=, o= or a=rtcp — whatever the SDP
 * or candidate text looks like.
 */
import { parse } from 'sdp-transform';
import { relayOnlyCandidate, relayOnlySdp } from '../../packages/protocol/src/relay-only.ts';
import { holds } from '../property.ts';

type Section = { candidates?: Array<{ type: string; raddr?: string }> };

function checkCandidate(candidate: string): void {
  const out = relayOnlyCandidate(candidate);
  if (out === null) return;
  const fields = out.split(' ');
  holds(fields[6] === 'typ' && fields[7] === 'relay', 'a passing candidate is a relay candidate');
  for (let i = 8; i < fields.length; i += 2) {
    if (fields[i] === 'raddr') holds(fields[i + 1] === '0.0.0.0', 'every raddr is blanked');
    if (fields[i] === 'rport') holds(fields[i + 1] === '0', 'every rport is blanked');
  }
  holds(fields.length % 2 === 0, 'name-value pairs after the type');
}

export function fuzz(data: Buffer): void {
  const text = data.toString('utf8');
  for (const line of text.split(/\r?\n/)) checkCandidate(line.startsWith('a=') ? line.slice(2) : line);
  const out = relayOnlySdp(text);
  const session = parse(out);
  holds(!session.invalid?.length, 'no unknown session line passes');
  holds(!session.origin || session.origin.address === '127.0.0.1', 'the origin address is blanked');
  holds(!session.connection || session.connection.ip === '0.0.0.0', 'the session c= address is blanked');
  let candidates = 0;
  for (const media of session.media) {
    holds(!media.invalid?.length, 'no unknown media line passes (it may be a candidate sdp-transform cannot read)');
    holds(!media.remoteCandidates, 'no a=remote-candidates passes');
    holds(!media.connection || media.connection.ip === '0.0.0.0', 'the media c= address is blanked');
    holds(!media.rtcp?.address || media.rtcp.address === '0.0.0.0', 'the a=rtcp address is blanked');
  }
  // Candidates can stand at session level too (sdp-transform reads them there).
  for (const section of [session as Section, ...session.media]) {
    for (const c of section.candidates ?? []) {
      candidates++;
      holds(c.type === 'relay', 'only relay candidates pass');
      holds(c.raddr === undefined || c.raddr === '0.0.0.0', 'related addresses are blanked');
    }
  }
  const candidateLines = out.split('\r\n').filter((l) => l.startsWith('a=candidate')).length;
  holds(candidateLines === candidates, 'every candidate line that passes is one sdp-transform read');
}
