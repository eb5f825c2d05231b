import { ProtocolError } from '../../errors.ts';

/**
 * A client's SDP we refuse, with a message the client can act on. It is a ProtocolError
 * (`bad-sdp`) so that wherever it surfaces — a publish offer or an answer — the client is told
 * what was wrong, never `internal`.
 */
export class SdpError extends ProtocolError {
  constructor(message: string) {
    super('bad-sdp', message);
    this.name = 'SdpError';
  }
}
