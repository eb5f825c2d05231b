import type { P2pMode, ServerMessage } from '@sotto/protocol';
import { strictest } from '@sotto/protocol';
import type { MediaEncryption } from './e2ee/media-encryption.ts';
import { Emitter } from './emitter.ts';
import { toRtcIceServer } from './ice-servers.ts';
import type { LocalSource } from './outgoing-media.ts';
import { P2pConnection } from './p2p-connection.ts';
import type { ReceiveConnection } from './receive-connection.ts';
import type { SignalingRequester } from './signaling-client.ts';

/**
 * Where our media goes now, as the UI must always show it:
 * - `bridge`: through the server `server` (with E2EE it sees only metadata);
 * - `p2p-direct`: straight to the other participant, who can see our IP address;
 * - `p2p-relay`: to the other participant through a TURN relay; neither sees the other's IP.
 */
export interface MediaPathInfo {
  path: 'bridge' | 'p2p-direct' | 'p2p-relay';
  /** The server's host name (the bridge, and the signaling in every case). */
  server: string;
  /** The other participant, when peer to peer. */
  peer: string | null;
}

/** The peer's tracks on a peer-to-peer connection, by source. */
export interface PeerTracks {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  screen: MediaStreamTrack | null;
}

export interface MediaPathEvents {
  changed: [MediaPathInfo];
}

/** What the switch needs from the conference. */
export interface MediaPathHost {
  signaling: SignalingRequester;
  /** The bridge's receive connection now (a media restart replaces it). */
  receive(): ReceiveConnection | null;
  /** How far the person allowed peer to peer: never exceeded, whatever the server says. */
  choice: P2pMode;
  encryption: MediaEncryption | null;
  /** The track a source of ours sends now. */
  track(source: LocalSource): MediaStreamTrack | null;
  /** Stop (true) or resume (false) sending our media to the bridge; its connections stay up. */
  pauseBridge(paused: boolean): Promise<void>;
  /** Show the peer's media from these tracks, or from the bridge again (null). */
  usePeerTracks(peerId: string, tracks: PeerTracks | null): void;
}

/** How long a new path may take to deliver media before we give up on it. */
const P2P_CONNECT_TIMEOUT_MS = 10_000;
const BRIDGE_RESUME_TIMEOUT_MS = 2_000;

type PathEvent = Extract<ServerMessage, { type: 'media-path' | 'p2p-signal' }>;

/**
 * Moves our media between the bridge and a peer-to-peer connection as the server decides. The
 * bridge connections stay open (idle) during peer to peer, so going back is quick; each switch
 * happens only once the new path's media is decoding, so the picture does not go blank.
 */
export class MediaPathSwitch extends Emitter<MediaPathEvents> {
  readonly #host: MediaPathHost;
  #info: MediaPathInfo;
  #p2p: P2pConnection | null = null;
  #switched = false;
  #closed = false;

  constructor(host: MediaPathHost, server: string) {
    super();
    this.#host = host;
    this.#info = { path: 'bridge', server, peer: null };
  }

  get info(): MediaPathInfo {
    return this.#info;
  }

  /** The peer-to-peer connection, if any (diagnostics). */
  get peerConnection(): RTCPeerConnection | null {
    return this.#p2p?.pc ?? null;
  }

  handle(event: PathEvent): void {
    if (event.type === 'p2p-signal') {
      if (this.#p2p?.session === event.session) this.#p2p.handleSignal(event);
      return;
    }
    if (event.path !== 'p2p') {
      this.#backToBridge().catch(() => {});
      return;
    }
    const mode = strictest(this.#host.choice, event.mode);
    // A server asking for more than we allowed gets no peer connection at all (off), or a relay-only one.
    if (mode === 'off') return;
    this.#startPeerToPeer({ ...event, mode }).catch(() => {});
  }

  /** One of our sources changed: the peer connection sends the new track too. */
  async replaceTrack(source: LocalSource, track: MediaStreamTrack | null): Promise<void> {
    await this.#p2p?.replaceTrack(source, track);
  }

  close(): void {
    this.#closed = true;
    this.#p2p?.close();
    this.#p2p = null;
  }

  async #startPeerToPeer(event: Extract<PathEvent, { path: 'p2p' }> & { mode: 'relay' | 'direct' }): Promise<void> {
    this.#p2p?.close();
    const host = this.#host;
    const p2p = new P2pConnection({
      signaling: host.signaling,
      session: event.session,
      peer: event.peer,
      mode: event.mode,
      offerer: event.offerer,
      iceServers: event.iceServers.map(toRtcIceServer),
      encryption: host.encryption,
      track: (source) => host.track(source),
    });
    this.#p2p = p2p;
    p2p.on('failed', () => {
      if (this.#p2p === p2p) this.#backToBridge().catch(() => {});
    });
    if (!(await p2p.whenMediaFlows(P2P_CONNECT_TIMEOUT_MS)) || this.#p2p !== p2p || this.#closed) {
      if (this.#p2p === p2p) await this.#backToBridge();
      return;
    }
    const [audio, video, screen] = (['microphone', 'camera', 'screen'] as const).map((s) => p2p.remoteTrack(s));
    host.usePeerTracks(event.peer, { audio: audio ?? null, video: video ?? null, screen: screen ?? null });
    this.#switched = true;
    await host.pauseBridge(true);
    const relay = await p2p.viaRelay();
    this.#set({ path: relay ? 'p2p-relay' : 'p2p-direct', server: this.#info.server, peer: event.peer });
  }

  async #backToBridge(): Promise<void> {
    const p2p = this.#p2p;
    this.#p2p = null;
    const peer = this.#info.peer;
    if (this.#switched) {
      this.#switched = false;
      await this.#host.pauseBridge(false);
      // Keep showing the peer-to-peer media until the bridge delivers the peer's again.
      if (peer) await this.#bridgeFlows(peer);
      if (peer) this.#host.usePeerTracks(peer, null);
    }
    p2p?.close();
    if (this.#info.path !== 'bridge') this.#set({ path: 'bridge', server: this.#info.server, peer: null });
  }

  async #bridgeFlows(peer: string): Promise<void> {
    const receive = this.#host.receive();
    if (!receive) return;
    const kind = (await receive.receivedFrom(peer, 'video')) > 0 ? 'video' : 'audio';
    const before = await receive.receivedFrom(peer, kind);
    const deadline = performance.now() + BRIDGE_RESUME_TIMEOUT_MS;
    while (!this.#closed && performance.now() < deadline && (await receive.receivedFrom(peer, kind)) <= before) {
      await new Promise((r) => setTimeout(r, 30));
    }
  }

  #set(info: MediaPathInfo): void {
    this.#info = info;
    this.emit('changed', info);
  }
}
