import { SignalingClient } from './signaling-client.ts';
import { signalingUrl } from './signaling-link.ts';

/** What a connection test found (the /doctor page). */
export interface ProbeReport {
  /** Forced through the server's TURN (`iceTransportPolicy: 'relay'`). */
  relay: boolean;
  connected: boolean;
  /** Why it did not connect, in words for a person. */
  problem?: string;
  /** The selected candidate pair: our side's type (host, srflx, relay), its transport, and how a relay is reached. */
  path?: { localType: string; protocol: string; relayProtocol: string | null };
  /** Round-trip time: from the ICE consent checks, else the median echo. */
  rttMs?: number;
  /** Unreliable messages that did not come back, of those sent. */
  lossPercent?: number;
}

const ECHOES = 100;
const ECHO_INTERVAL_MS = 20;
const GATHER_TIMEOUT_MS = 4000;
const OPEN_TIMEOUT_MS = 10_000;

/**
 * Tests the path from this browser to the server's media port, without a meeting: a peer
 * connection with one unreliable data channel that the server echoes. With `relay`, only through
 * the server's TURN (fresh credentials for one minute).
 */
export async function probeConnection(serverUrl: string, options: { relay?: boolean } = {}): Promise<ProbeReport> {
  const relay = options.relay === true;
  const signaling = await SignalingClient.connect(signalingUrl(serverUrl));
  let pc: RTCPeerConnection | null = null;
  try {
    const iceServers = relay ? (await signaling.request({ type: 'ice-servers' })).iceServers : [];
    if (relay && iceServers.length === 0) return { relay, connected: false, problem: 'this server has no TURN server' };
    pc = new RTCPeerConnection({
      iceServers: iceServers.map((s) => ({ urls: s.urls, username: s.username, credential: s.credential })),
      iceTransportPolicy: relay ? 'relay' : 'all',
    });
    const channel = pc.createDataChannel('probe', { ordered: false, maxRetransmits: 0 });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const { sdp } = await signaling.request({ type: 'probe', sdp: pc.localDescription?.sdp ?? '' });
    await pc.setRemoteDescription({ type: 'answer', sdp });
    if (!(await opened(channel))) {
      return {
        relay,
        connected: false,
        problem: relay
          ? 'no connection through TURN: the TURN server may be unreachable from here'
          : 'no connection to the media port: UDP to it may be blocked on this network',
      };
    }
    const { lossPercent, echoRttMs } = await echo(channel);
    const pair = await selectedPair(pc);
    return {
      relay,
      connected: true,
      ...(pair ? { path: pair.path } : {}),
      rttMs: pair?.rttMs ?? echoRttMs,
      lossPercent,
    };
  } finally {
    pc?.close();
    signaling.close();
  }
}

function gathered(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState !== 'complete') return;
      clearTimeout(timer);
      resolve();
    });
  });
}

function opened(channel: RTCDataChannel): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), OPEN_TIMEOUT_MS);
    channel.addEventListener('open', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Sends numbered messages and counts the echoes that come back within a second of the last. */
async function echo(channel: RTCDataChannel): Promise<{ lossPercent: number; echoRttMs: number }> {
  const sentAt = new Map<number, number>();
  const rtts: number[] = [];
  channel.binaryType = 'arraybuffer';
  channel.addEventListener('message', (event) => {
    const seq = new DataView(event.data as ArrayBuffer).getUint32(0);
    const at = sentAt.get(seq);
    if (at === undefined) return;
    sentAt.delete(seq);
    rtts.push(performance.now() - at);
  });
  for (let seq = 0; seq < ECHOES; seq++) {
    const message = new ArrayBuffer(100);
    new DataView(message).setUint32(0, seq);
    sentAt.set(seq, performance.now());
    if (channel.readyState === 'open') channel.send(message);
    await new Promise((r) => setTimeout(r, ECHO_INTERVAL_MS));
  }
  await new Promise((r) => setTimeout(r, 1000));
  rtts.sort((a, b) => a - b);
  return { lossPercent: ((ECHOES - rtts.length) * 100) / ECHOES, echoRttMs: rtts[Math.floor(rtts.length / 2)] ?? 0 };
}

async function selectedPair(pc: RTCPeerConnection): Promise<{ path: NonNullable<ProbeReport['path']>; rttMs?: number } | null> {
  const stats = await pc.getStats();
  let found: { path: NonNullable<ProbeReport['path']>; rttMs?: number } | null = null;
  stats.forEach((report) => {
    if (report.type !== 'transport' || !report.selectedCandidatePairId) return;
    const pair = stats.get(report.selectedCandidatePairId);
    const local = stats.get(pair?.localCandidateId);
    if (!local) return;
    found = {
      path: { localType: local.candidateType, protocol: local.protocol, relayProtocol: local.relayProtocol ?? null },
      ...(typeof pair.currentRoundTripTime === 'number' ? { rttMs: pair.currentRoundTripTime * 1000 } : {}),
    };
  });
  return found;
}
