export { defaultConfig } from './cli/options.ts';
export type { ServerConfig } from './config.ts';
export { ConfigError, validateConfig } from './config.ts';
export type { RunningServer } from './server.ts';
export { SERVER_VERSION, startServer } from './server.ts';
export { Engine } from './sfu/engine/engine.ts';
