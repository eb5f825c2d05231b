import type { VideoSource } from '@sotto/protocol';
import { preferVp8 } from './codec-preferences.ts';
import type { MediaEncryption } from './e2ee/media-encryption.ts';
import { Emitter } from './emitter.ts';
import type { SignalingRequester } from './signaling-client.ts';

/**
 * Simulcast layers, smallest first (the server orders layers by this list): about 320x180,
 * 640x360 and 1280x720 from a 720p camera.
 */
export const SIMULCAST_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

/**
 * A shared screen: one high-resolution layer at a low frame rate (text stays sharp; the SFU
 * favours it when bandwidth is short).
 */
export const SCREEN_ENCODINGS: RTCRtpEncodingParameters[] = [{ maxBitrate: 2_500_000, maxFramerate: 15 }];

/**
 * A publish-only peer connection for one video source: exactly one m-line, as the SFU's engine
 * needs (simulcast arrives on this same shape later).
 */
export class PublishConnection extends Emitter<{ failed: [] }> {
  readonly source: VideoSource;
  readonly pc: RTCPeerConnection;
  readonly #transceiver: RTCRtpTransceiver;
  readonly #signaling: SignalingRequester;

  private constructor(source: VideoSource, pc: RTCPeerConnection, transceiver: RTCRtpTransceiver, signaling: SignalingRequester) {
    super();
    this.source = source;
    this.pc = pc;
    this.#transceiver = transceiver;
    this.#signaling = signaling;
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') this.emit('failed');
    };
  }

  static async open(
    signaling: SignalingRequester,
    source: VideoSource,
    track: MediaStreamTrack,
    iceServers: RTCIceServer[],
    encryption: MediaEncryption | null,
  ): Promise<PublishConnection> {
    const pc = new RTCPeerConnection({
      iceServers,
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
      ...encryption?.peerConnectionConfig,
    });
    const sendEncodings = source === 'screen' ? SCREEN_ENCODINGS : SIMULCAST_ENCODINGS;
    const transceiver = pc.addTransceiver(track, { direction: 'sendonly', sendEncodings });
    // At once, before negotiation: a transform attached later is skipped and frames go out clear.
    encryption?.protectSender(transceiver.sender, 'video');
    preferVp8(transceiver);
    const connection = new PublishConnection(source, pc, transceiver, signaling);
    const early: RTCIceCandidate[] = [];
    let answered = false;
    pc.onicecandidate = (e) => {
      if (!e.candidate?.candidate || e.candidate.candidate.includes('.local')) return;
      if (answered) connection.#sendCandidate(e.candidate);
      else early.push(e.candidate);
    };
    await pc.setLocalDescription(await pc.createOffer());
    const result = await signaling.request({ type: 'publish', source, sdp: pc.localDescription?.sdp ?? '' });
    await pc.setRemoteDescription({ type: 'answer', sdp: result.sdp });
    answered = true;
    for (const candidate of early) connection.#sendCandidate(candidate);
    return connection;
  }

  #sendCandidate(candidate: RTCIceCandidate): void {
    this.#signaling
      .request({ type: 'candidate', connection: this.source, candidate: candidate.candidate, mid: candidate.sdpMid ?? '0' })
      .catch(() => {});
  }

  /** Turns simulcast layers on or off (smallest first), as the server asks: nobody needs the rest. */
  async setActiveLayers(active: readonly boolean[]): Promise<void> {
    const sender = this.#transceiver.sender;
    const parameters = sender.getParameters();
    if (!parameters.encodings?.length) return;
    parameters.encodings.forEach((encoding, i) => {
      encoding.active = active[i] ?? false;
    });
    // The smallest layer always stays on.
    if (parameters.encodings[0]) parameters.encodings[0].active = true;
    await sender.setParameters(parameters);
  }

  /** Swaps the captured track without renegotiation; null stops sending (camera off). */
  replaceTrack(track: MediaStreamTrack | null): Promise<void> {
    return this.#transceiver.sender.replaceTrack(track);
  }

  close(): void {
    this.pc.close();
  }
}
