import type { IceServerInfo } from '@sotto/protocol';
import type { MediaEncryption } from './e2ee/media-encryption.ts';
import { Emitter } from './emitter.ts';
import { BridgeIceServers } from './ice-servers.ts';
import type { BridgeSenders, OutgoingMedia } from './outgoing-media.ts';
import type { RemoteSlot } from './receive-connection.ts';
import { ReceiveConnection } from './receive-connection.ts';
import type { ServerEvent, SignalingRequester } from './signaling-client.ts';

/** The server's events about our bridge connections. */
export type BridgeEvent = Extract<ServerEvent, { type: 'media-restart' | 'offer' | 'tracks' | 'candidate' | 'layers' }>;

export interface BridgeMediaEvents {
  /** What the receive connection's slots carry (empty while the connections are replaced). */
  slots: [RemoteSlot[]];
}

/**
 * Our media connections to the bridge for one membership: the receive connection (it carries our
 * microphone too) and, through OutgoingMedia, the publish connections. When one of them fails,
 * the server is asked once to replace them all (`restart-media`); on its `media-restart` they are
 * opened afresh, within the same membership. A refused or impossible restart calls `giveUp`.
 */
export class BridgeMedia extends Emitter<BridgeMediaEvents> {
  readonly #local: OutgoingMedia;
  readonly #giveUp: () => void;
  #signaling: SignalingRequester | null = null;
  #encryption: MediaEncryption | null = null;
  #receive: ReceiveConnection | null = null;
  #iceServers = new BridgeIceServers();
  /** A `restart-media` request is out and its `media-restart` has not come yet. */
  #restartAsked = false;

  constructor(local: OutgoingMedia, giveUp: () => void) {
    super();
    this.#local = local;
    this.#giveUp = giveUp;
  }

  /** The receive connection now: server offers, candidates and slots go to it. */
  get receive(): ReceiveConnection | null {
    return this.#receive;
  }

  handle(event: BridgeEvent): void {
    if (event.type === 'media-restart') this.restart(event.iceServers).catch(() => this.#giveUp());
    else if (event.type === 'offer') this.#receive?.handleOffer(event.revision, event.sdp);
    else if (event.type === 'tracks') this.#receive?.handleTracks(event.slots);
    else if (event.type === 'candidate') this.#receive?.handleCandidate(event.candidate, event.mid);
    else
      this.#local
        .connection(event.source)
        ?.setActiveLayers(event.active)
        .catch(() => {});
  }

  /**
   * Opens the membership's connections, with the join's TURN servers (when the server has TURN, a
   * browser that cannot reach the media port over UDP gets in through them); resolves once the
   * camera (if any) is published.
   */
  open(signaling: SignalingRequester, encryption: MediaEncryption | null, iceServers?: IceServerInfo[]): Promise<void> {
    this.#signaling = signaling;
    this.#encryption = encryption;
    this.#iceServers = new BridgeIceServers(iceServers);
    return this.#local.attachBridge(this.#openConnections());
  }

  /** The server replaced our connections (`media-restart`): new ones for its next offer. */
  async restart(iceServers?: IceServerInfo[]): Promise<void> {
    this.#restartAsked = false;
    this.#iceServers.replace(iceServers);
    if (!this.#receive) return;
    this.#receive.close();
    this.emit('slots', []);
    await this.#local.replaceBridge(this.#openConnections());
  }

  /** The membership ended: every bridge connection closes. */
  close(): void {
    this.#restartAsked = false;
    this.#local.detachBridge();
    this.#receive?.close();
    this.#receive = null;
    this.#signaling = null;
  }

  #openConnections(): BridgeSenders {
    const signaling = this.#signaling;
    if (!signaling) throw new Error('the bridge media is not open');
    const iceServers = this.#iceServers;
    const receive = new ReceiveConnection(signaling, this.#local.bridgeTrack('microphone'), iceServers.current, this.#encryption);
    this.#receive = receive;
    receive.on('slots', (slots) => {
      if (this.#receive === receive) this.emit('slots', slots);
    });
    receive.on('failed', () => {
      if (this.#receive === receive) this.#failed();
    });
    return {
      signaling,
      receive,
      encryption: this.#encryption,
      onFailed: () => this.#failed(),
      iceServers: () => iceServers.fresh(signaling),
    };
  }

  #failed(): void {
    const signaling = this.#signaling;
    if (this.#restartAsked || !signaling) return;
    this.#restartAsked = true;
    signaling.request({ type: 'restart-media' }).catch(() => {
      this.#restartAsked = false;
      if (this.#signaling === signaling) this.#giveUp();
    });
  }
}
