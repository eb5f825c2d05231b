import type { PeerConnection } from 'node-datachannel';
import nodeDataChannel from 'node-datachannel';

/** A node-datachannel peer for bots: loopback only, descriptions returned after gathering. */
export function createBotPeer(name: string): PeerConnection {
  return new nodeDataChannel.PeerConnection(name, {
    iceServers: [],
    bindAddress: '127.0.0.1',
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
