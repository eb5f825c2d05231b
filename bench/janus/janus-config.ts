import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where Debian's janus package keeps its plugins and transports. */
export const JANUS_LIB_DIR = '/usr/lib/x86_64-linux-gnu/janus';

export interface JanusRoom {
  id: number;
  /** Most concurrent publishers (Janus' default is 3). */
  publishers: number;
  /** Video bitrate cap sent to publishers via REMB, bit/s (Janus' default is low). */
  bitrate: number;
}

export interface JanusConfigOptions {
  /** The generated folder: config files, and the plugin/transport folders Janus loads from. */
  dir: string;
  /** HTTP API port, bound to 127.0.0.1. */
  httpPort: number;
  /** The only address Janus gathers ICE candidates on (it never uses loopback). */
  iceAddress: string;
  /** Media threads: one per core is Janus' own advice for a dedicated box. */
  eventLoops: number;
  room: JanusRoom;
}

/**
 * The config files for a Janus tuned for forwarding and nothing else: a fixed pool of event loops
 * (instead of a thread per handle), warnings-only logging, no event handlers, no admin API, the
 * plain HTTP API on loopback only, and one videoroom room sized for the benchmark. Which plugins
 * and transports exist is decided by the folders (see writeJanusConfig), so nothing else loads.
 */
export function janusConfigFiles(options: JanusConfigOptions): Record<string, string> {
  const { dir, room } = options;
  return {
    'janus.jcfg': `general: {
  configs_folder = "${dir}"
  plugins_folder = "${join(dir, 'plugins')}"
  transports_folder = "${join(dir, 'transports')}"
  events_folder = "${join(dir, 'events')}"
  loggers_folder = "${join(dir, 'loggers')}"
  debug_level = 3
  debug_colors = false
  event_loops = ${options.eventLoops}
  server_name = "sotto-bench"
}
certificates: {
}
media: {
  ipv6 = false
}
nat: {
  nice_debug = false
  ice_enforce_list = "${options.iceAddress}"
}
plugins: {
}
transports: {
}
loggers: {
}
events: {
  broadcast = false
}
`,
    'janus.transport.http.jcfg': `general: {
  events = false
  json = "compact"
  base_path = "/janus"
  http = true
  port = ${options.httpPort}
  ip = "127.0.0.1"
  https = false
}
admin: {
  admin_http = false
  admin_https = false
}
`,
    'janus.plugin.videoroom.jcfg': `general: {
  events = false
}
room-${room.id}: {
  description = "sotto-bench"
  publishers = ${room.publishers}
  bitrate = ${room.bitrate}
  fir_freq = 0
  videocodec = "vp8"
  audiocodec = "opus"
  record = false
}
`,
  };
}

/**
 * Writes the config files and the folders Janus loads modules from: plugins holds only a link to
 * the videoroom plugin, transports only the HTTP one, events and loggers nothing.
 */
export async function writeJanusConfig(options: JanusConfigOptions): Promise<void> {
  const { dir } = options;
  for (const folder of ['plugins', 'transports', 'events', 'loggers']) await mkdir(join(dir, folder), { recursive: true });
  await symlink(join(JANUS_LIB_DIR, 'plugins', 'libjanus_videoroom.so'), join(dir, 'plugins', 'libjanus_videoroom.so'));
  await symlink(join(JANUS_LIB_DIR, 'transports', 'libjanus_http.so'), join(dir, 'transports', 'libjanus_http.so'));
  for (const [name, text] of Object.entries(janusConfigFiles(options))) await writeFile(join(dir, name), text);
}
