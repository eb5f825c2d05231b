import type { Page } from 'playwright-core';

export interface PathFacts {
  state: RTCPeerConnectionState;
  /** The selected candidate pair, once there is one. */
  localType: string | null;
  remoteType: string | null;
  remotePort: number | null;
  /** How a relay candidate reaches its TURN server: udp, tcp or tls (null for other candidates). */
  relayProtocol: string | null;
  /** Video frames decoded on this connection. */
  framesDecoded: number;
}

/** The selected candidate pair and decoded video of every open peer connection of the page. */
export function pathFacts(page: Page): Promise<PathFacts[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.connectionState !== 'closed');
    return Promise.all(
      pcs.map(async (pc) => {
        const stats = await pc.getStats();
        const facts = {
          state: pc.connectionState,
          localType: null as string | null,
          remoteType: null as string | null,
          remotePort: null as number | null,
          relayProtocol: null as string | null,
          framesDecoded: 0,
        };
        stats.forEach((s) => {
          if (s.type === 'transport' && s.selectedCandidatePairId) {
            const pair = stats.get(s.selectedCandidatePairId);
            facts.localType = stats.get(pair?.localCandidateId)?.candidateType ?? null;
            facts.remoteType = stats.get(pair?.remoteCandidateId)?.candidateType ?? null;
            facts.remotePort = stats.get(pair?.remoteCandidateId)?.port ?? null;
            facts.relayProtocol = stats.get(pair?.localCandidateId)?.relayProtocol ?? null;
          }
          if (s.type === 'inbound-rtp' && s.kind === 'video') facts.framesDecoded += s.framesDecoded ?? 0;
        });
        return facts;
      }),
    );
  });
}

export const pathShown = (page: Page) => page.locator('.path-badge').getAttribute('data-path');
