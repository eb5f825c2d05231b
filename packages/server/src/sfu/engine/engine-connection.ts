import { EventEmitter } from 'node:events';
import type { Audio, PeerConnection, Track, Video } from 'node-datachannel';
import nodeDataChannel from 'node-datachannel';

export type ConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export interface EngineConnectionEvents {
  /** A remote m-line became a track we can read from (publisher media). */
  track: [EngineTrack];
  /** The remote side opened a data channel (a network probe). */
  channel: [EngineChannel];
  state: [ConnectionState];
}

/** A data channel the remote side opened: binary messages in and out. */
export interface EngineChannel {
  onMessage(handler: (message: Buffer) => void): void;
  /** False when it could not be queued (closed, or its buffer is full). */
  send(message: Buffer): boolean;
  close(): void;
}

/** Description of a track the SFU adds to a connection: one m-line, one SSRC, one codec. */
export interface TrackSpec {
  kind: 'audio' | 'video';
  mid: string;
  direction: 'sendonly' | 'recvonly';
  payloadType: number;
  /** SSRC of what we send (sendonly only). */
  ssrc?: number;
  /** Video only: offer RTX with this payload type and SSRC (RFC 4588). */
  rtx?: { payloadType: number; ssrc: number };
  /** Stream and track ids for `a=msid` (sendonly only). */
  streamId?: string;
  trackId?: string;
  /** Extra SDP attribute lines, e.g. `a=rtcp-fb:96 nack pli`. */
  extraLines?: string[];
}

const GATHER_TIMEOUT_MS = 5000;

/**
 * One peer connection on the shared UDP port. Negotiation is promise-based and serialised by the
 * caller; descriptions are returned only after gathering completes (no server-side trickle).
 */
export class EngineConnection extends EventEmitter<EngineConnectionEvents> {
  readonly #pc: PeerConnection;
  readonly #rewriteLocal: (sdp: string) => string;
  #pendingDescription: ((sdp: string) => void) | null = null;
  #state: ConnectionState = 'new';

  constructor(pc: PeerConnection, rewriteLocal: (sdp: string) => string) {
    super();
    this.#pc = pc;
    this.#rewriteLocal = rewriteLocal;
    pc.onLocalDescription(() => this.#descriptionReady());
    pc.onGatheringStateChange(() => this.#descriptionReady());
    pc.onTrack((track) => this.emit('track', new EngineTrack(track)));
    pc.onDataChannel((channel) =>
      this.emit('channel', {
        onMessage: (handler) =>
          channel.onMessage((m) => handler(typeof m === 'string' ? Buffer.from(m) : Buffer.from(m as ArrayBuffer))),
        send: (message) => {
          try {
            return channel.isOpen() && channel.sendMessageBinary(message);
          } catch {
            return false;
          }
        },
        close: () => channel.close(),
      }),
    );
    pc.onStateChange((state) => {
      if (this.#state === 'closed') return;
      this.#state = state as ConnectionState;
      this.emit('state', this.#state);
    });
  }

  get state(): ConnectionState {
    return this.#state;
  }

  #descriptionReady(): void {
    const resolve = this.#pendingDescription;
    const local = this.#pc.localDescription();
    if (!resolve || !local || this.#pc.gatheringState() !== 'complete') return;
    this.#pendingDescription = null;
    resolve(this.#rewriteLocal(local.sdp));
  }

  #waitForLocalDescription(start: () => void): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pendingDescription = null;
        reject(new Error('ICE gathering timed out'));
      }, GATHER_TIMEOUT_MS);
      this.#pendingDescription = (sdp) => {
        clearTimeout(timer);
        resolve(sdp);
      };
      try {
        start();
      } catch (error) {
        clearTimeout(timer);
        this.#pendingDescription = null;
        reject(error);
        return;
      }
      this.#descriptionReady();
    });
  }

  /** Applies a remote offer and resolves with our answer. Throws on SDP the engine rejects. */
  answer(offerSdp: string): Promise<string> {
    return this.#waitForLocalDescription(() => {
      this.#pc.setRemoteDescription(offerSdp, 'offer');
      this.#pc.setLocalDescription('answer');
    });
  }

  /** Creates an offer covering every track added so far. */
  offer(): Promise<string> {
    return this.#waitForLocalDescription(() => this.#pc.setLocalDescription('offer'));
  }

  acceptAnswer(answerSdp: string): void {
    this.#pc.setRemoteDescription(answerSdp, 'answer');
  }

  addRemoteCandidate(candidate: string, mid: string): void {
    this.#pc.addRemoteCandidate(candidate, mid);
  }

  addTrack(spec: TrackSpec): EngineTrack {
    const direction = spec.direction === 'sendonly' ? 'SendOnly' : 'RecvOnly';
    let media: Audio | Video;
    if (spec.kind === 'audio') {
      const audio = new nodeDataChannel.Audio(spec.mid, direction);
      audio.addOpusCodec(spec.payloadType);
      media = audio;
    } else {
      const video = new nodeDataChannel.Video(spec.mid, direction);
      video.addVP8Codec(spec.payloadType);
      if (spec.rtx) video.addRTXCodec(spec.rtx.payloadType, spec.payloadType, 90000);
      media = video;
    }
    if (spec.ssrc !== undefined) {
      media.addSSRC(spec.ssrc, 'sotto', spec.streamId, spec.trackId);
      if (spec.rtx) {
        media.addSSRC(spec.rtx.ssrc, 'sotto');
        media.parseSdpLine(`a=ssrc-group:FID ${spec.ssrc} ${spec.rtx.ssrc}`);
      }
    }
    for (const line of spec.extraLines ?? []) media.parseSdpLine(line);
    return new EngineTrack(this.#pc.addTrack(media));
  }

  /** The remote address of the selected ICE pair, for tests and diagnostics (never logged). */
  selectedRemote(): { address: string; port: number } | null {
    const pair = this.#pc.getSelectedCandidatePair();
    return pair ? { address: pair.remote.address, port: pair.remote.port } : null;
  }

  close(): void {
    if (this.#state === 'closed') return;
    // Listeners go first: 'closed' is only reported when the other side or the engine ends it.
    this.removeAllListeners();
    this.#state = 'closed';
    this.#pendingDescription = null;
    this.#pc.close();
  }
}

/**
 * One m-line. Receives decrypted RTP and RTCP (told apart by the caller) and sends whole packets
 * whose headers the SFU wrote. Holding this object keeps the engine track alive: a collected
 * track silently stops delivering media.
 */
export class EngineTrack {
  readonly #track: Track;
  readonly mid: string;

  constructor(track: Track) {
    this.#track = track;
    this.mid = track.mid();
  }

  onPacket(handler: (packet: Buffer) => void): void {
    this.#track.onMessage(handler);
  }

  onOpen(handler: () => void): void {
    this.#track.onOpen(handler);
  }

  isOpen(): boolean {
    try {
      return this.#track.isOpen();
    } catch {
      return false;
    }
  }

  /** Sends one RTP or RTCP packet; false when the track is not open (yet or any more). */
  send(packet: Buffer): boolean {
    try {
      return this.#track.sendMessageBinary(packet);
    } catch {
      return false;
    }
  }

  close(): void {
    try {
      this.#track.close();
    } catch {
      // already gone with its connection
    }
  }
}
