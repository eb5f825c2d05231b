import type { RunningServer, ServerConfig } from '@sotto/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { Bot } from '../../bench/bot/bot.ts';
import { launchBrowser } from './browser.ts';
import { startTestServer } from './server.ts';

export interface ServerEnvironment {
  readonly server: RunningServer;
  /** Bots pushed here are closed after the suite. */
  readonly bots: Bot[];
}

/** A real server for the enclosing `describe`, started before its tests and closed after. */
export function useServer(overrides: Partial<ServerConfig> = {}): ServerEnvironment {
  let server: RunningServer | undefined;
  const bots: Bot[] = [];
  beforeAll(async () => {
    server = await startTestServer(overrides);
  });
  afterAll(async () => {
    for (const bot of bots) bot.close();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the test server is not running');
      return server;
    },
    bots,
  };
}

export interface BrowserEnvironment extends ServerEnvironment {
  readonly browser: Browser;
}

/** A real server plus one headless Chromium for the enclosing `describe`. */
export function useServerAndBrowser(overrides: Partial<ServerConfig> = {}): BrowserEnvironment {
  const env = useServer(overrides);
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get server() {
      return env.server;
    },
    bots: env.bots,
    get browser() {
      if (!browser) throw new Error('the browser is not running');
      return browser;
    },
  };
}
