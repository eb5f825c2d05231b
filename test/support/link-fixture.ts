import type { RunningServer } from '@sotto/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.ts';
import { TestHost } from './netns.ts';
import { startTestServer } from './server.ts';

/** A server, a browser on this machine, and a browser behind a link the test can shape or cut. */
export interface LinkFixture {
  host: TestHost;
  server: RunningServer;
  /** A browser on this machine (reaches the server at server.url). */
  local: Browser;
  /** A browser inside the test host's network namespace (reaches the server at `origin`). */
  remote: Browser;
  /** The server as the remote browser sees it, across the link. */
  origin: string;
}

/**
 * Sets the fixture up before the suite's tests and tears it down after (vitest hooks of the
 * calling describe block); the returned function gives it to the tests.
 */
export function useBrowserBehindALink(localArgs: string[] = [], remoteArgs: string[] = []): () => LinkFixture {
  let fixture: LinkFixture | null = null;
  let host: TestHost | undefined;
  let server: RunningServer | undefined;
  let local: Browser | undefined;
  let remote: Browser | undefined;
  beforeAll(async () => {
    host = new TestHost();
    server = await startTestServer({ host: '0.0.0.0', publicIp: host.hostAddress });
    local = await launchBrowser(localArgs);
    const origin = `http://${host.hostAddress}:${server.port}`;
    remote = await launchBrowser([...remoteArgs, `--unsafely-treat-insecure-origin-as-secure=${origin}`], host.chromiumPath);
    fixture = { host, server, local, remote, origin };
  });
  afterAll(async () => {
    await remote?.close();
    await local?.close();
    await server?.close();
    host?.destroy();
  });
  return () => {
    if (!fixture) throw new Error('the link fixture is not set up (call it inside a test)');
    return fixture;
  };
}
