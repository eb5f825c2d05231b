export * from './client-messages.ts';
export * from './common.ts';
export * from './errors.ts';
export * from './limits.ts';
export * from './mls-messages.ts';
export * from './p2p-messages.ts';
export * from './parse.ts';
export * from './server-messages.ts';
