import type { ErrorCode } from '@sotto/protocol';

/** An error the client caused or can act on; its code and message go back in the `error` reply. */
export class ProtocolError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
