import { parse, write } from 'sdp-transform';

/**
 * The engine answers a simulcast offer by copying `a=rid:X send` and `a=simulcast:send …`; an
 * answer must say `recv` for the browser to send every layer (RFC 8853 §5.3).
 */
export function acceptSimulcast(answerSdp: string): string {
  const session = parse(answerSdp);
  let changed = false;
  for (const media of session.media) {
    for (const rid of media.rids ?? []) {
      if (rid.direction === 'send') {
        rid.direction = 'recv';
        changed = true;
      }
    }
    if (media.simulcast?.dir1 === 'send') {
      media.simulcast.dir1 = 'recv';
      changed = true;
    }
  }
  return changed ? write(session) : answerSdp;
}
