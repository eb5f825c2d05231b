export * from './limits.ts';
export * from './errors.ts';
export * from './common.ts';
export * from './client-messages.ts';
export * from './server-messages.ts';
export * from './parse.ts';
