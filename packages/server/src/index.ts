export { startServer, SERVER_VERSION } from './server.ts';
export type { RunningServer } from './server.ts';
export { validateConfig, ConfigError } from './config.ts';
export type { ServerConfig } from './config.ts';
export { defaultConfig } from './cli/options.ts';
export { Engine } from './sfu/engine/engine.ts';
