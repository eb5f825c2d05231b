import { describe, expect, it } from 'vitest';
import { inboundVideo, joinThroughUi, newPage, waitFor } from '../support/browser.ts';
import { useBrowserBehindALink } from '../support/link-fixture.ts';

/**
 * A receiver behind a real link (veth into a network namespace) whose downlink we shape with a
 * token bucket: the SFU's bandwidth estimate must notice and send a smaller layer, then go back up
 * once the limit is lifted.
 */
describe('bandwidth estimation under a constrained link', () => {
  const link = useBrowserBehindALink();

  it("the receiver's layer drops when its downlink is limited and comes back when the limit is lifted", async () => {
    const { host, server, local: sender, remote: receiver, origin } = link();
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
