/** Every text frame the client reads from a (possibly hostile) server (protocol/src/parse.ts parseServerMessage). */
import { ERROR_CODES } from '../../packages/protocol/src/errors.ts';
import { parseServerMessage } from '../../packages/protocol/src/parse.ts';
import { holds } from '../property.ts';

const MAX_ERROR_MESSAGE = 512;

export function fuzz(data: Buffer): void {
  const text = data.toString('utf8');
  const result = parseServerMessage(text);
  if (!result.ok) {
    holds(ERROR_CODES.includes(result.code), 'a known error code');
    holds(result.message.length <= MAX_ERROR_MESSAGE, 'error messages are bounded');
    return;
  }
  const again = parseServerMessage(JSON.stringify(result.message));
  holds(again.ok && JSON.stringify(again.message) === JSON.stringify(result.message), 'a parsed message parses again as itself');
}
