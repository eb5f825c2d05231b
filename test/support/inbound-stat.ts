/**
 * Runs in the page (Playwright's or Puppeteer's `page.evaluate(sumInboundStat, …)`): the sum of one
 * inbound-rtp field over the page's open peer connections (recorded in `window.__pcs`).
 */
export async function sumInboundStat({ kind, field }: { kind: string; field: string }): Promise<number> {
  let total = 0;
  for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === kind) total += Number(s[field] ?? 0);
    });
  }
  return total;
}
