import nodeDataChannel from 'node-datachannel';
import { announceCandidates } from '../sdp/candidates.ts';
import { EngineConnection } from './engine-connection.ts';

export interface EngineOptions {
  /** The one UDP port every peer connection shares. */
  mediaPort: number;
  /**
   * Address announced to browsers in SDP candidates. `undefined` keeps the host candidates the
   * engine gathered on every interface, which works on localhost and on a LAN.
   */
  publicIp?: string | undefined;
}

/**
 * The WebRTC engine (node-datachannel, i.e. libdatachannel) behind our own small API, so the rest
 * of the SFU never touches engine types and a second engine could be benchmarked against this one.
 */
export class Engine {
  readonly #options: EngineOptions;
  #connections = 0;

  constructor(options: EngineOptions) {
    this.#options = options;
  }

  get mediaPort(): number {
    return this.#options.mediaPort;
  }

  createConnection(label: string): EngineConnection {
    this.#connections++;
    const pc = new nodeDataChannel.PeerConnection(`${label}-${this.#connections}`, {
      iceServers: [],
      enableIceUdpMux: true,
      portRangeBegin: this.#options.mediaPort,
      portRangeEnd: this.#options.mediaPort,
      // Renegotiation is driven by the SFU (slots), never by the engine on its own.
      disableAutoNegotiation: true,
    });
    const publicIp = this.#options.publicIp;
    return new EngineConnection(pc, (sdp) => (publicIp ? announceCandidates(sdp, publicIp, this.mediaPort) : sdp));
  }

  /** Releases the engine's threads; call once, at shutdown. */
  static shutdown(): void {
    nodeDataChannel.cleanup();
  }
}
