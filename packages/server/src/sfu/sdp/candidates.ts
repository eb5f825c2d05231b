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
