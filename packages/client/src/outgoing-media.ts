import { AudioMix } from './audio-mix.ts';
import type { MediaEncryption } from './e2ee/media-encryption.ts';
import { PublishConnection } from './publish-connection.ts';
import type { ReceiveConnection } from './receive-connection.ts';
import type { SignalingRequester } from './signaling-client.ts';
import type { ProcessedSource, ProcessedTrack, TrackProcessor } from './track-processor.ts';

/** One of our own media sources. */
export type LocalSource = 'microphone' | 'camera' | 'screen';
/** Our sources that publish on their own connection to the bridge. */
type VideoSource = Exclude<LocalSource, 'microphone'>;

/** Whatever sends our media to the peer while peer to peer (the media-path switch). */
export interface PeerSenders {
  replaceTrack(source: LocalSource, track: MediaStreamTrack | null): Promise<void>;
}

/** The bridge connections of one membership. */
export interface BridgeSenders {
  signaling: SignalingRequester;
  /** Carries the microphone (its first transceiver) as well as everything we receive. */
  receive: ReceiveConnection;
  encryption: MediaEncryption | null;
  /** A publish connection failed (the receive connection reports its own failure). */
  onFailed(): void;
  /** TURN for a new publish connection (none when the server has no TURN). */
  iceServers(): Promise<RTCIceServer[]>;
}

/** What the app hears of our processed sources. */
export interface LocalOutputListener {
  /** A source's output (what our own tile shows) changed. */
  output(source: ProcessedSource, track: MediaStreamTrack | null): void;
  /** A source's effect could not run: the source is off. */
  effectFailed(source: ProcessedSource, error: unknown): void;
}

/** How the room hears that a source is off (`mute`); a screen that stops is "muted" too. */
const MUTE_KIND = { microphone: 'audio', camera: 'video', screen: 'screen' } as const;

/**
 * Our own media and where it goes — the one place that rule lives: each source's track goes to
 * the bridge (the microphone on the receive connection; the camera and the screen each on its
 * own publish connection) unless the bridge is paused for peer to peer, and to the peer while
 * there is one.
 */
export class OutgoingMedia {
  readonly #tracks: Record<LocalSource, MediaStreamTrack | null> = { microphone: null, camera: null, screen: null };
  #bridge: BridgeSenders | null = null;
  readonly #publishing = new Map<VideoSource, PublishConnection>();
  /** Opens of publish connections in progress (one at a time per source). */
  readonly #opening = new Map<VideoSource, Promise<void>>();
  #peer: PeerSenders | null = null;
  #bridgePaused = false;
  /** A shared screen's own sound, mixed into what the microphone's sender carries. */
  #screenAudio: MediaStreamTrack | null = null;
  readonly #mix = new AudioMix();
  #audioOut: MediaStreamTrack | null = null;
  readonly #processors: Partial<Record<ProcessedSource, TrackProcessor>> = {};
  /** Each processed source's output for its current track. */
  readonly #processed: Partial<Record<ProcessedSource, ProcessedTrack>> = {};
  readonly #failed: Partial<Record<ProcessedSource, unknown>> = {};
  readonly #listener: LocalOutputListener | null;

  constructor(listener: LocalOutputListener | null = null) {
    this.#listener = listener;
  }

  /** The track a source was given (null: off). */
  track(source: LocalSource): MediaStreamTrack | null {
    return this.#tracks[source];
  }

  /** What a source's sender carries: for the microphone, the mix with the screen's sound while there is one. */
  sent(source: LocalSource): MediaStreamTrack | null {
    return source === 'microphone' ? this.#audioOut : this.output(source);
  }

  /** A source's track after its processor, if it has one (what our own tile shows). */
  output(source: LocalSource): MediaStreamTrack | null {
    if (source === 'screen' || !this.#processors[source]) return this.#tracks[source];
    return this.#processed[source]?.track ?? null;
  }

  /** The track a source sends to the bridge now: none while the bridge is paused for peer to peer. */
  bridgeTrack(source: LocalSource): MediaStreamTrack | null {
    return this.#bridgePaused ? null : this.sent(source);
  }

  /** A source's publish connection on the bridge, if open (layers, diagnostics). */
  connection(source: VideoSource): PublishConnection | null {
    return this.#publishing.get(source) ?? null;
  }

  /** Sets a source's track (null: off), sends it wherever our media goes now, and tells the others it is on or off. */
  async set(source: LocalSource, track: MediaStreamTrack | null): Promise<void> {
    this.#tracks[source] = track;
    if (source !== 'screen') {
      await this.#process(source);
      if (this.#tracks[source] !== track) return; // a later set() took over, or the effect failed
      this.#listener?.output(source, this.output(source));
    }
    if (source === 'microphone') this.#audioOut = this.#mix.update(this.output('microphone'), this.#screenAudio);
    await this.#sendToBridge(source);
    // Peer to peer too: a camera switched off must stop going to the peer as well.
    await this.#peer?.replaceTrack(source, this.sent(source));
    this.#announce(source);
  }

  /**
   * Puts an effect on a source (null: none) and sends its output from now on. If the effect
   * cannot run, the source goes off rather than out unprocessed, and this rejects.
   */
  async setProcessor(source: ProcessedSource, processor: TrackProcessor | null): Promise<void> {
    if (processor) this.#processors[source] = processor;
    else delete this.#processors[source];
    delete this.#failed[source];
    await this.set(source, this.#tracks[source]);
    if (source in this.#failed) throw this.#failed[source];
  }

  /**
   * Runs the source's processor on its current track, then stops the previous output (so the
   * others see no gap). A failure leaves the source off, never sent unprocessed, and is reported.
   */
  async #process(source: ProcessedSource): Promise<void> {
    const track = this.#tracks[source];
    const processor = this.#processors[source];
    const previous = this.#processed[source];
    delete this.#processed[source];
    let next: ProcessedTrack | undefined;
    try {
      next = track && processor ? await processor.process(track) : undefined;
    } catch (error) {
      previous?.stop();
      if (this.#tracks[source] !== track) return;
      this.#failed[source] = error;
      this.#listener?.effectFailed(source, error);
      await this.set(source, null);
      return;
    }
    if (this.#tracks[source] !== track || this.#processors[source] !== processor) {
      next?.stop(); // superseded while it started
      previous?.stop();
      return;
    }
    if (next) this.#processed[source] = next;
    delete this.#failed[source];
    previous?.stop();
  }

  /** A shared screen's sound (null: none): the others hear it with our microphone, muted or not. */
  async setScreenAudio(track: MediaStreamTrack | null): Promise<void> {
    this.#screenAudio = track;
    this.#audioOut = this.#mix.update(this.output('microphone'), track);
    await this.#sendToBridge('microphone');
    await this.#peer?.replaceTrack('microphone', this.#audioOut);
  }

  /** The meeting is over for good: the audio mix (if any) closes. Tracks are the caller's. */
  close(): void {
    this.#mix.close();
    for (const processed of Object.values(this.#processed)) processed.stop();
    for (const source of ['microphone', 'camera'] as const) delete this.#processed[source];
    this.#audioOut = this.output('microphone');
  }

  /**
   * A membership's bridge connections: the microphone goes on the receive connection (it was
   * created with `bridgeTrack('microphone')`), the camera and screen get publish connections.
   */
  async attachBridge(bridge: BridgeSenders): Promise<void> {
    this.#bridge = bridge;
    // A new member starts as "camera and microphone on, no screen" in everyone's view: say what differs.
    for (const source of ['microphone', 'camera'] as const) if (!this.#tracks[source]) this.#announce(source);
    if (this.#tracks.screen) this.#announce('screen');
    await Promise.all([this.#sendToBridge('camera'), this.#sendToBridge('screen')]);
  }

  /**
   * A media restart within the membership: the publish connections close and the new bridge gets
   * fresh ones. Unlike a new membership, a bridge paused for peer to peer stays paused.
   */
  async replaceBridge(bridge: BridgeSenders): Promise<void> {
    this.#closePublishing();
    this.#bridge = bridge;
    await Promise.all([this.#sendToBridge('camera'), this.#sendToBridge('screen')]);
  }

  /** The membership ended: its publish connections close (the receive connection is the caller's). */
  detachBridge(): void {
    this.#bridge = null;
    this.#closePublishing();
    this.#bridgePaused = false;
  }

  /** Peer to peer started (senders) or ended (null). */
  setPeer(peer: PeerSenders | null): void {
    this.#peer = peer;
  }

  /** Stop (true) or resume (false) sending to the bridge while media goes peer to peer; its connections stay up. */
  async pauseBridge(paused: boolean): Promise<void> {
    this.#bridgePaused = paused;
    await Promise.all([this.#sendToBridge('microphone'), this.#sendToBridge('camera'), this.#sendToBridge('screen')]);
  }

  /** Others see whether our source is on (the server's `mute` state). */
  #announce(source: LocalSource): void {
    const muted = this.#tracks[source] === null;
    this.#bridge?.signaling.request({ type: 'mute', kind: MUTE_KIND[source], muted }).catch(() => {});
  }

  #closePublishing(): void {
    for (const connection of this.#publishing.values()) connection.close();
    this.#publishing.clear();
  }

  async #sendToBridge(source: LocalSource): Promise<void> {
    const bridge = this.#bridge;
    if (!bridge) return;
    if (source === 'microphone') {
      await bridge.receive.setMicrophone(this.bridgeTrack('microphone'));
      return;
    }
    // One open at a time; one in progress may be for an earlier bridge (it then closes its own).
    while (this.#opening.has(source)) await this.#opening.get(source)?.catch(() => {});
    if (this.#bridge !== bridge) return;
    const open = this.#publishing.get(source);
    if (open && source === 'screen' && !this.#tracks.screen) {
      // Sharing stopped: the server drops the publisher, and the receivers its slot.
      this.#publishing.delete(source);
      open.close();
      await bridge.signaling.request({ type: 'unpublish', source }).catch(() => {});
      return;
    }
    if (open) {
      await open.replaceTrack(this.bridgeTrack(source));
      return;
    }
    const track = this.bridgeTrack(source);
    if (!track) return;
    // The first track of this bridge for the source opens its publish connection.
    const opening = bridge
      .iceServers()
      .then((iceServers) => PublishConnection.open(bridge.signaling, source, track, iceServers, bridge.encryption))
      .then((connection) => {
        if (this.#bridge !== bridge) {
          connection.close(); // the bridge was replaced or the membership ended meanwhile
          return;
        }
        this.#publishing.set(source, connection);
        connection.on('failed', () => {
          if (this.#publishing.get(source) === connection) bridge.onFailed();
        });
      })
      .finally(() => this.#opening.delete(source));
    this.#opening.set(source, opening);
    await opening;
    // The track may have changed (or the bridge paused, or sharing stopped) while it opened.
    if (this.#bridge === bridge && this.#publishing.has(source)) await this.#sendToBridge(source);
  }
}
