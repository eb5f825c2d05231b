import type { PeerConnection } from 'node-datachannel';
import nodeDataChannel from 'node-datachannel';

/**
 * A node-datachannel peer for bots, on one local address (loopback unless told otherwise: Janus
 * only offers candidates on the machine's own address); descriptions returned after gathering.
 */
export function createBotPeer(name: string, bindAddress = '127.0.0.1'): PeerConnection {
  return new nodeDataChannel.PeerConnection(name, {
    iceServers: [],
    bindAddress,
    disableAutoNegotiation: true,
  });
}

/** Runs `start` and resolves with the local description once gathering is complete. */
export function localDescription(pc: PeerConnection, start: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bot ICE gathering timed out')), 5000);
    const check = () => {
      const local = pc.localDescription();
      if (local && pc.gatheringState() === 'complete') {
        clearTimeout(timer);
        resolve(local.sdp);
      }
    };
    pc.onLocalDescription(check);
    pc.onGatheringStateChange(check);
    start();
    check();
  });
}
