import type { P2pMode } from '@sotto/protocol';
import { relayOnlyCandidate, relayOnlySdp } from '@sotto/protocol';
import { preferVp8 } from './codec-preferences.ts';
import type { MediaEncryption } from './e2ee/media-encryption.ts';
import { Emitter } from './emitter.ts';
import type { LocalSource } from './outgoing-media.ts';
import type { SignalingRequester } from './signaling-client.ts';

/** The m-lines of a peer-to-peer connection, in order: the same on both sides. */
const SOURCES: ReadonlyArray<{ source: LocalSource; kind: 'audio' | 'video' }> = [
  { source: 'microphone', kind: 'audio' },
  { source: 'camera', kind: 'video' },
  { source: 'screen', kind: 'video' },
];

export interface PeerSignal {
  description?: { type: 'offer' | 'answer'; sdp: string } | undefined;
  candidate?: { candidate: string; mid: string } | undefined;
}

export interface P2pConnectionOptions {
  signaling: SignalingRequester;
  session: number;
  /** The other participant: the only member whose frames our receivers here accept. */
  peer: string;
  mode: Exclude<P2pMode, 'off'>;
  offerer: boolean;
  iceServers: RTCIceServer[];
  encryption: MediaEncryption | null;
  /** What we send from each source when the connection starts (null: nothing). */
  track(source: LocalSource): MediaStreamTrack | null;
}

export interface P2pConnectionEvents {
  failed: [];
}

/**
 * A peer connection straight to the one other participant, signaled through the server. One
 * m-line per source (microphone, camera, screen: see SOURCES), both ways, so a screen share
 * starts and stops without renegotiation (no simulcast: a browser answering a browser would drop
 * it). In `relay` mode ICE uses only TURN candidates, so neither side learns the other's address.
 * Frames go through the same E2EE worker and group keys as on the bridge.
 */
export class P2pConnection extends Emitter<P2pConnectionEvents> {
  readonly pc: RTCPeerConnection;
  readonly session: number;
  readonly #options: P2pConnectionOptions;
  #queue: Promise<void> = Promise.resolve();
  #remoteDescriptionSet = false;
  readonly #pendingCandidates: RTCIceCandidateInit[] = [];
  #closed = false;
  readonly #prepared = new WeakSet<RTCRtpTransceiver>();

  constructor(options: P2pConnectionOptions) {
    super();
    this.#options = options;
    this.session = options.session;
    this.pc = new RTCPeerConnection({
      iceServers: options.iceServers,
      iceTransportPolicy: options.mode === 'relay' ? 'relay' : 'all',
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
      ...options.encryption?.peerConnectionConfig,
    });
    // Synchronously in ontrack: a receiver transform set any later can be skipped by the browser.
    this.pc.ontrack = (e) => {
      this.#protectReceiver(e.receiver, e.track.kind as 'audio' | 'video');
      // The answering side's senders are born with the remote offer: protect them here too.
      this.#prepareSender(e.transceiver);
    };
    this.pc.onicecandidate = (e) => {
      // mDNS names cannot be resolved by the other browser in every network; they add nothing.
      if (!e.candidate?.candidate || e.candidate.candidate.includes('.local')) return;
      // Relay mode: only relay candidates, their related (own) address blanked — here, not only
      // on the server, so a server that passed everything on still learns the peer nothing.
      const candidate = options.mode === 'relay' ? relayOnlyCandidate(e.candidate.candidate) : e.candidate.candidate;
      if (candidate) this.#send({ candidate: { candidate, mid: e.candidate.sdpMid ?? '0' } });
    };
    this.pc.onconnectionstatechange = () => {
      if (this.pc.connectionState === 'failed') this.emit('failed');
    };
    if (options.offerer) {
      for (const { kind } of SOURCES) {
        const transceiver = this.pc.addTransceiver(kind, { direction: 'sendrecv' });
        // The offerer's receivers exist from here on; ontrack (at the answer) would be too late.
        this.#protectReceiver(transceiver.receiver, kind);
        this.#prepareSender(transceiver);
      }
      this.#enqueue(async () => {
        await this.pc.setLocalDescription(await this.pc.createOffer());
        this.#send({ description: { type: 'offer', sdp: this.#outgoingSdp() } });
      });
    }
  }

  /** The remote participant's track of a source on this connection. */
  remoteTrack(source: LocalSource): MediaStreamTrack | null {
    return this.#transceiver(source)?.receiver.track ?? null;
  }

  /** Transceivers are made in SOURCES order on both sides (the offer's m-lines). */
  #transceiver(source: LocalSource): RTCRtpTransceiver | undefined {
    return this.pc.getTransceivers()[SOURCES.findIndex((s) => s.source === source)];
  }

  handleSignal(signal: PeerSignal): void {
    const { description, candidate } = signal;
    if (description) this.#enqueue(() => this.#applyDescription(description));
    if (candidate) {
      const init = { candidate: candidate.candidate, sdpMid: candidate.mid };
      if (this.#remoteDescriptionSet) this.#enqueue(() => this.pc.addIceCandidate(init));
      else this.#pendingCandidates.push(init);
    }
  }

  /** Swaps what we send (mute, camera off, screen share) without renegotiation. */
  async replaceTrack(source: LocalSource, track: MediaStreamTrack | null): Promise<void> {
    await this.#transceiver(source)?.sender.replaceTrack(track);
  }

  /** Resolves once the other participant's media is decoding here (video, or audio without camera). */
  async whenMediaFlows(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!this.#closed && performance.now() < deadline) {
      let decoding = false;
      (await this.pc.getStats()).forEach((s) => {
        if (
          s.type === 'inbound-rtp' &&
          ((s.kind === 'video' && s.framesDecoded > 0) || (s.kind === 'audio' && s.packetsReceived > 5))
        )
          decoding = true;
      });
      if (decoding) return true;
      await new Promise((r) => setTimeout(r, 30));
    }
    return false;
  }

  /**
   * True when media goes through a TURN relay. In relay mode it can go no other way (ICE uses relay
   * candidates only); otherwise the transport's selected pair says. (Reading "nominated" pairs
   * instead raced the stats: media could flow before a pair was reported nominated.)
   */
  async viaRelay(): Promise<boolean> {
    if (this.#options.mode === 'relay') return true;
    const stats = await this.pc.getStats();
    let relay = false;
    stats.forEach((s) => {
      if (s.type !== 'transport' || !s.selectedCandidatePairId) return;
      const pair = stats.get(s.selectedCandidatePairId);
      const local = pair && stats.get(pair.localCandidateId);
      const remote = pair && stats.get(pair.remoteCandidateId);
      if (local?.candidateType === 'relay' || remote?.candidateType === 'relay') relay = true;
    });
    return relay;
  }

  close(): void {
    this.#closed = true;
    this.pc.close();
  }

  #protectReceiver(receiver: RTCRtpReceiver, kind: 'audio' | 'video'): void {
    this.#options.encryption?.protectReceiver(receiver, kind);
    this.#options.encryption?.bindReceiver(receiver, this.#options.peer);
  }

  #outgoingSdp(): string {
    const sdp = this.pc.localDescription?.sdp ?? '';
    return this.#options.mode === 'relay' ? relayOnlySdp(sdp) : sdp;
  }

  #prepareSender(transceiver: RTCRtpTransceiver): void {
    const entry = SOURCES[this.pc.getTransceivers().indexOf(transceiver)];
    if (this.#prepared.has(transceiver) || !entry) return;
    this.#prepared.add(transceiver);
    // At once, before negotiation: a sender transform attached later is skipped (clear frames).
    this.#options.encryption?.protectSender(transceiver.sender, entry.kind);
    if (entry.kind === 'video') preferVp8(transceiver);
    transceiver.sender.replaceTrack(this.#options.track(entry.source)).catch(() => {});
  }

  async #applyDescription(description: { type: 'offer' | 'answer'; sdp: string }): Promise<void> {
    await this.pc.setRemoteDescription(description);
    this.#remoteDescriptionSet = true;
    for (const candidate of this.#pendingCandidates.splice(0)) await this.pc.addIceCandidate(candidate);
    if (description.type !== 'offer') return;
    for (const transceiver of this.pc.getTransceivers()) {
      transceiver.direction = 'sendrecv';
      this.#prepareSender(transceiver);
    }
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    this.#send({ description: { type: 'answer', sdp: this.#outgoingSdp() } });
  }

  #enqueue(job: () => Promise<void>): void {
    this.#queue = this.#queue.then(job).catch((error) => {
      if (!this.#closed) {
        console.warn('peer-to-peer negotiation failed', error);
        this.emit('failed');
      }
    });
  }

  #send(signal: PeerSignal): void {
    if (this.#closed) return;
    this.#options.signaling.request({ type: 'p2p-signal', session: this.session, ...signal }).catch(() => {});
  }
}
