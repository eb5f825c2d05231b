import type { MediaEncryption } from './e2ee/media-encryption.ts';
import { PublishConnection } from './publish-connection.ts';
import type { ReceiveConnection } from './receive-connection.ts';
import type { SignalingRequester } from './signaling-client.ts';

/** One of our own media sources. */
export type LocalSource = 'microphone' | 'camera';

/** Whatever sends our media to the peer while peer to peer (the media-path switch). */
export interface PeerSenders {
  replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void>;
}

/** The bridge connections of one membership. */
export interface BridgeSenders {
  signaling: SignalingRequester;
  /** Carries the microphone (its first transceiver) as well as everything we receive. */
  receive: ReceiveConnection;
  encryption: MediaEncryption | null;
  /** A publish connection failed (the receive connection reports its own failure). */
  onFailed(): void;
}

/** The bridge is reached on the server's own candidates; TURN is only for peer to peer. */
const BRIDGE_ICE_SERVERS: RTCIceServer[] = [];

const KIND: Record<LocalSource, 'audio' | 'video'> = { microphone: 'audio', camera: 'video' };

/**
 * Our own media and where it goes — the one place that rule lives: each source's track goes to
 * the bridge (the microphone on the receive connection, the camera on its own publish connection)
 * unless the bridge is paused for peer to peer, and to the peer while there is one.
 */
export class OutgoingMedia {
  readonly #tracks: Record<LocalSource, MediaStreamTrack | null> = { microphone: null, camera: null };
  #bridge: BridgeSenders | null = null;
  #camera: PublishConnection | null = null;
  /** An open of the camera's publish connection in progress (one at a time). */
  #opening: Promise<void> | null = null;
  #peer: PeerSenders | null = null;
  #bridgePaused = false;

  /** The track a source sends (null: off). */
  track(source: LocalSource): MediaStreamTrack | null {
    return this.#tracks[source];
  }

  /** The track a source sends to the bridge now: none while the bridge is paused for peer to peer. */
  bridgeTrack(source: LocalSource): MediaStreamTrack | null {
    return this.#bridgePaused ? null : this.#tracks[source];
  }

  /** The camera's publish connection on the bridge, if open (layers, diagnostics). */
  get cameraConnection(): PublishConnection | null {
    return this.#camera;
  }

  /** Sets a source's track (null: off), sends it wherever our media goes now, and tells the others it is on or off. */
  async set(source: LocalSource, track: MediaStreamTrack | null): Promise<void> {
    this.#tracks[source] = track;
    await this.#sendToBridge(source);
    // Peer to peer too: a camera switched off must stop going to the peer as well.
    await this.#peer?.replaceTrack(KIND[source], track);
    this.#announce(source);
  }

  /**
   * A membership's bridge connections: the microphone goes on the receive connection (it was
   * created with `track('microphone')`), the camera gets its publish connection.
   */
  async attachBridge(bridge: BridgeSenders): Promise<void> {
    this.#bridge = bridge;
    // A new member starts unmuted in everyone's view: say which of our sources are off.
    for (const source of ['microphone', 'camera'] as const) if (!this.#tracks[source]) this.#announce(source);
    await this.#sendToBridge('camera');
  }

  /**
   * A media restart within the membership: the publish connections close and the new bridge gets
   * fresh ones. Unlike a new membership, a bridge paused for peer to peer stays paused.
   */
  async replaceBridge(bridge: BridgeSenders): Promise<void> {
    this.#camera?.close();
    this.#camera = null;
    this.#bridge = bridge;
    await this.#sendToBridge('camera');
  }

  /** The membership ended: its publish connections close (the receive connection is the caller's). */
  detachBridge(): void {
    this.#bridge = null;
    this.#camera?.close();
    this.#camera = null;
    this.#bridgePaused = false;
  }

  /** Peer to peer started (senders) or ended (null). */
  setPeer(peer: PeerSenders | null): void {
    this.#peer = peer;
  }

  /** Stop (true) or resume (false) sending to the bridge while media goes peer to peer; its connections stay up. */
  async pauseBridge(paused: boolean): Promise<void> {
    this.#bridgePaused = paused;
    await this.#sendToBridge('microphone');
    await this.#sendToBridge('camera');
  }

  /** Others see whether our source is on (the server's `mute` state). */
  #announce(source: LocalSource): void {
    const muted = this.#tracks[source] === null;
    this.#bridge?.signaling.request({ type: 'mute', kind: KIND[source], muted }).catch(() => {});
  }

  async #sendToBridge(source: LocalSource): Promise<void> {
    const bridge = this.#bridge;
    if (!bridge) return;
    if (source === 'microphone') {
      await bridge.receive.setMicrophone(this.bridgeTrack('microphone'));
      return;
    }
    // One open at a time; one in progress may be for an earlier bridge (it then closes its own).
    while (this.#opening) await this.#opening.catch(() => {});
    if (this.#bridge !== bridge) return;
    if (this.#camera) {
      await this.#camera.replaceTrack(this.bridgeTrack('camera'));
      return;
    }
    const track = this.bridgeTrack('camera');
    if (!track) return;
    // The first camera track of this bridge opens its publish connection.
    this.#opening = PublishConnection.open(bridge.signaling, 'camera', track, BRIDGE_ICE_SERVERS, bridge.encryption)
      .then((camera) => {
        if (this.#bridge !== bridge) {
          camera.close(); // the bridge was replaced or the membership ended meanwhile
          return;
        }
        this.#camera = camera;
        camera.on('failed', () => {
          if (this.#camera === camera) bridge.onFailed();
        });
      })
      .finally(() => {
        this.#opening = null;
      });
    await this.#opening;
    // The track may have changed (or the bridge paused) while the connection opened.
    const opened = this.cameraConnection;
    if (opened && this.#bridge === bridge) await opened.replaceTrack(this.bridgeTrack('camera'));
  }
}

export { BRIDGE_ICE_SERVERS };
