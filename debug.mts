import { joinThroughUi, launchBrowser, newPage, inboundSummary } from './test/support/browser.ts';
import { startTestServer } from './test/support/server.ts';
process.env.SOTTO_LOG_LEVEL='debug';
const server = await startTestServer();
const browser = await launchBrowser();
const pages = [];
for (const name of ['Ana', 'Bo', 'Cy']) {
  const { page } = await newPage(browser, server.url);
  page.on('console', (m) => console.log(name, 'console:', m.text()));
  await joinThroughUi(page, `${server.url}/debug-room`, name);
  pages.push(page);
}
await new Promise((r) => setTimeout(r, 6000));
for (const room of server.conference.rooms()) {
  console.log(room.router.stats());
}
for (const p of pages) {
  console.log(await inboundSummary(p));
  console.log(await p.evaluate(async () => (window as any).__pcs.map((pc: RTCPeerConnection) => ({ state: pc.connectionState, sig: pc.signalingState, tx: pc.getTransceivers().map(t => `${t.mid}:${t.direction}:${t.currentDirection}`) }))));
}
await browser.close(); await server.close(); process.exit(0);
