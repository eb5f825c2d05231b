import type { TrackSlot } from '@sotto/protocol';
import type { MediaEncryption } from './e2ee/media-encryption.ts';
import { Emitter } from './emitter.ts';
import type { SignalingRequester } from './signaling-client.ts';

/** The microphone always goes on the receive connection's first m-line. */
const MICROPHONE_MID = '0';

export interface RemoteSlot {
  mid: string;
  kind: 'audio' | 'video';
  memberId: string;
  source: 'microphone' | 'camera' | 'screen';
  track: MediaStreamTrack;
}

export interface ReceiveConnectionEvents {
  /** Which remote track (by slot) now belongs to which member and source. */
  slots: [RemoteSlot[]];
  failed: [];
}

/**
 * The connection the server offers: our microphone goes out on mid 0, and everything we receive
 * comes in on slots the server re-binds as people come and go. The server is always the offerer
 * here, so there is no glare; offers are applied one at a time.
 */
export class ReceiveConnection extends Emitter<ReceiveConnectionEvents> {
  readonly pc: RTCPeerConnection;
  readonly #signaling: SignalingRequester;
  #microphone: MediaStreamTrack | null;
  #slotTable: TrackSlot[] = [];
  #queue: Promise<void> = Promise.resolve();
  readonly #encryption: MediaEncryption | null;

  constructor(
    signaling: SignalingRequester,
    microphone: MediaStreamTrack | null,
    iceServers: RTCIceServer[],
    encryption: MediaEncryption | null,
  ) {
    super();
    this.#signaling = signaling;
    this.#microphone = microphone;
    this.#encryption = encryption;
    this.pc = new RTCPeerConnection({
      iceServers,
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
      ...encryption?.peerConnectionConfig,
    });
    this.pc.onicecandidate = (e) => {
      if (!e.candidate?.candidate || e.candidate.candidate.includes('.local')) return;
      signaling
        .request({ type: 'candidate', connection: 'main', candidate: e.candidate.candidate, mid: e.candidate.sdpMid ?? '0' })
        .catch(() => {});
    };
    // Synchronously in ontrack: a receiver transform set any later can be skipped by the browser.
    this.pc.ontrack = (e) => encryption?.protectReceiver(e.receiver, e.track.kind as 'audio' | 'video');
    this.pc.onconnectionstatechange = () => {
      if (this.pc.connectionState === 'failed') this.emit('failed');
    };
  }

  handleOffer(revision: number, sdp: string): void {
    this.#queue = this.#queue
      .then(() => this.#answer(revision, sdp))
      .catch((error) => {
        console.error('could not apply the server offer', error);
        this.emit('failed');
      });
  }

  async #answer(revision: number, sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    for (const transceiver of this.pc.getTransceivers()) {
      // Before the answer, so no frame of a new slot ever bypasses E2EE.
      if (transceiver.mid === MICROPHONE_MID) this.#encryption?.protectSender(transceiver.sender, 'audio');
      else this.#encryption?.protectReceiver(transceiver.receiver, transceiver.receiver.track.kind as 'audio' | 'video');
      if (transceiver.mid === MICROPHONE_MID) {
        transceiver.direction = 'sendonly';
        if (transceiver.sender.track !== this.#microphone) await transceiver.sender.replaceTrack(this.#microphone);
      } else if (transceiver.direction !== 'stopped') {
        transceiver.direction = 'recvonly';
      }
    }
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.#signaling.request({ type: 'answer', revision, sdp: this.pc.localDescription?.sdp ?? '' });
    this.#emitSlots();
  }

  /** A server candidate; applied after any offer still being processed. */
  handleCandidate(candidate: string, mid: string): void {
    this.#queue = this.#queue
      .then(() => this.pc.addIceCandidate({ candidate, sdpMid: mid }))
      .catch((error) => console.warn('could not add a server candidate', error));
  }

  handleTracks(slots: TrackSlot[]): void {
    this.#slotTable = slots;
    this.#emitSlots();
  }

  /** Frames (video) or packets (audio) received so far on the member's slot of that kind. */
  async receivedFrom(memberId: string, kind: 'audio' | 'video'): Promise<number> {
    const slot = this.#slotTable.find((s) => s.memberId === memberId && s.kind === kind);
    const transceiver = slot && this.pc.getTransceivers().find((t) => t.mid === slot.mid);
    if (!transceiver) return 0;
    let count = 0;
    (await transceiver.receiver.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp') count = kind === 'video' ? (s.framesDecoded ?? 0) : (s.packetsReceived ?? 0);
    });
    return count;
  }

  async setMicrophone(track: MediaStreamTrack | null): Promise<void> {
    this.#microphone = track;
    const transceiver = this.pc.getTransceivers().find((t) => t.mid === MICROPHONE_MID);
    if (transceiver) await transceiver.sender.replaceTrack(track);
  }

  #emitSlots(): void {
    const byMid = new Map(this.pc.getTransceivers().map((t) => [t.mid, t]));
    // Each receiver accepts frames only from the member the server says it carries now: a frame
    // under another member's key (the SFU relabelling who is who) never reaches the decoder.
    const owner = new Map(this.#slotTable.map((s) => [s.mid, s.memberId]));
    for (const transceiver of byMid.values()) {
      if (transceiver.mid !== MICROPHONE_MID)
        this.#encryption?.bindReceiver(transceiver.receiver, owner.get(transceiver.mid ?? '') ?? null);
    }
    const resolved: RemoteSlot[] = [];
    for (const slot of this.#slotTable) {
      const transceiver = byMid.get(slot.mid);
      if (!transceiver || !slot.memberId || !slot.source) continue;
      resolved.push({
        mid: slot.mid,
        kind: slot.kind,
        memberId: slot.memberId,
        source: slot.source,
        track: transceiver.receiver.track,
      });
    }
    this.emit('slots', resolved);
  }

  close(): void {
    this.pc.close();
  }
}
