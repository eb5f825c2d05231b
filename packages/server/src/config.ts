import * as v from 'valibot';

const Port = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));

export const ServerConfig = v.object({
  /** HTTP + WebSocket port. */
  port: Port,
  /** Address the HTTP server listens on. */
  host: v.pipe(v.string(), v.minLength(1, 'host must not be empty')),
  /** The one UDP port for all media. */
  mediaPort: Port,
  /** Address announced to browsers for media; unset = every local interface (localhost and LAN). */
  publicIp: v.optional(v.pipe(v.string(), v.ip('public-ip must be an IPv4 or IPv6 address'))),
  /** Largest meeting. */
  maxMembersPerRoom: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(1000)),
  /** Most videos one participant receives (last-N); -1 = all. */
  lastN: v.pipe(v.number(), v.integer(), v.minValue(-1), v.maxValue(1000)),
  /** Most audio streams one participant receives: the most recent speakers; -1 = all. */
  audioLastN: v.pipe(v.number(), v.integer(), v.minValue(-1), v.maxValue(1000)),
  /** Whether a meeting may be started without end-to-end encryption (docs/e2ee.md). */
  allowUnencrypted: v.boolean(),
  /** The built web app to serve. */
  webRoot: v.string(),
});
export type ServerConfig = v.InferOutput<typeof ServerConfig>;

export class ConfigError extends Error {}

/** Validates a config, naming the bad key in the error. */
export function validateConfig(input: Record<string, unknown>): ServerConfig {
  const result = v.safeParse(ServerConfig, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const key = issue?.path?.map((p) => String(p.key)).join('.') ?? 'config';
  throw new ConfigError(`invalid ${key}: ${issue?.message ?? 'bad value'}`);
}
