import pino from 'pino';

/**
 * The server's logger. Privacy rule: at info level nothing here may carry an IP address, a
 * display name, a room name or a user agent; log member ids (random) and counts instead.
 */
export const log = pino({
  level: process.env.SOTTO_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  base: undefined,
});
