/** Every text frame a client sends (protocol/src/parse.ts parseClientMessage): documented never to throw. */
import { ERROR_CODES } from '../../packages/protocol/src/errors.ts';
import { parseClientMessage } from '../../packages/protocol/src/parse.ts';
import { holds } from '../property.ts';

/** An error reply quotes at most this much; it must not echo the input back in bulk. */
export const MAX_ERROR_MESSAGE = 512;

export function fuzz(data: Buffer): void {
  const text = data.toString('utf8');
  const result = parseClientMessage(text);
  if (!result.ok) {
    holds(ERROR_CODES.includes(result.code), 'a known error code');
    holds(result.message.length <= MAX_ERROR_MESSAGE, 'error messages are bounded');
    holds(result.id === null || (Number.isInteger(result.id) && result.id >= 0), 'a usable request id or none');
    return;
  }
  const again = parseClientMessage(JSON.stringify(result.message));
  holds(again.ok && JSON.stringify(again.message) === JSON.stringify(result.message), 'a parsed message parses again as itself');
}
