import type { RunningServer } from '@sotto/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundVideo, joinThroughUi, launchBrowser, newPage, waitFor } from '../support/browser.ts';
import { TestHost } from '../support/netns.ts';
import { startTestServer } from '../support/server.ts';

/**
 * A receiver behind a real link (veth into a network namespace) whose downlink we shape with a
 * token bucket: the SFU's bandwidth estimate must notice and send a smaller layer, then go back up
 * once the limit is lifted.
 */
describe('bandwidth estimation under a constrained link', () => {
  let host: TestHost;
  let server: RunningServer;
  let sender: Browser;
  let receiver: Browser;

  beforeAll(async () => {
    host = new TestHost();
    server = await startTestServer({ host: '0.0.0.0', publicIp: host.hostAddress });
    sender = await launchBrowser();
    const origin = `http://${host.hostAddress}:${server.port}`;
    receiver = await launchBrowser([`--unsafely-treat-insecure-origin-as-secure=${origin}`], host.chromiumPath);
  });
  afterAll(async () => {
    await receiver?.close();
    await sender?.close();
    await server?.close();
    host?.destroy();
  });

  it("the receiver's layer drops when its downlink is limited and comes back when the limit is lifted", async () => {
    const origin = `http://${host.hostAddress}:${server.port}`;
    const { page: publisher } = await newPage(sender, server.url);
    await joinThroughUi(publisher, `${server.url}/constrained-room`, 'Sender');
    const { page: viewer } = await newPage(receiver, origin, { width: 1600, height: 1000 });
    await joinThroughUi(viewer, `${origin}/constrained-room`, 'Viewer');

    const width = async () =>
      Math.max(0, ...(await inboundVideo(viewer)).filter((v) => v.framesDecoded > 0).map((v) => v.frameWidth));
    // Unconstrained, a large tile gets the full layer.
    await waitFor('the full layer', width, (w) => w === 1280, 30_000);

    host.limitDownlink('600kbit');
    const limitedAt = Date.now();
    await waitFor('a smaller layer under the limit', width, (w) => w > 0 && w <= 640, 30_000);
    const dropSeconds = (Date.now() - limitedAt) / 1000;

    host.removeLimit();
    const liftedAt = Date.now();
    await waitFor('the full layer again', width, (w) => w === 1280, 60_000);
    const recoverSeconds = (Date.now() - liftedAt) / 1000;
    console.log(
      `layer dropped ${dropSeconds.toFixed(1)} s after the limit, came back ${recoverSeconds.toFixed(1)} s after lifting it`,
    );
    expect(dropSeconds).toBeLessThan(30);
  });
});
