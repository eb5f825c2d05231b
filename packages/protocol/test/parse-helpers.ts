import type { ParseResult } from '../src/index.ts';
import { parseClientMessage, parseServerMessage } from '../src/index.ts';

export const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';

export function client(message: Record<string, unknown>) {
  return parseClientMessage(JSON.stringify(message));
}

export function server(message: Record<string, unknown>) {
  return parseServerMessage(JSON.stringify(message));
}

/** Narrows a failed result, failing the test when parsing succeeded. */
export function failure<T>(result: ParseResult<T>): { code: string; message: string; id: number | null } {
  if (result.ok) throw new Error(`expected a parse failure, got ${JSON.stringify(result.message)}`);
  return result;
}

export function success<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.code}: ${result.message}`);
  return result.message;
}
