import type { ServerMessage } from '@sotto/protocol';
import { decryptFrame, encryptFrame } from '../../packages/client/src/e2ee/frame-crypto.ts';
import type { EpochKeys, MlsRequest } from '../../packages/client/src/e2ee/key-agreement.ts';
import { KeyAgreement } from '../../packages/client/src/e2ee/key-agreement.ts';
import { MediaKeyRing } from '../../packages/client/src/e2ee/media-key-ring.ts';
import type { RtpView } from '../../packages/server/src/sfu/rtp/rtp-view.ts';
import { startsVp8Frame, vp8DescriptorLength } from '../../packages/server/src/sfu/rtp/vp8.ts';

type MlsEvent = Parameters<KeyAgreement['handle']>[0];

/** One `mls-task` a committer received (times are performance.now()). */
export interface CommitterMarks {
  epoch: number;
  adds: string[];
  receivedAt: number;
  /** Its commit sent (0: none, e.g. a task already done). */
  sentAt: number;
  acceptedAt: number;
}

/**
 * A bot's end-to-end encryption, with the SDK's own code: the MLS key agreement and SFrame over
 * whole frames (encrypted before packetizing, decrypted after reassembly), as a browser does.
 */
export class BotE2ee {
  readonly ring = new MediaKeyRing();
  readonly agreement: KeyAgreement;
  latest: EpochKeys | null = null;
  /** When the first epoch (our Welcome, or the group we created) was processed. */
  keysAt = 0;
  decryptedFrames = 0;
  failedFrames = 0;
  /** When the first remote video frame was decrypted. */
  firstVideoAt = 0;
  /** When our (first) key package was sent, and our Welcome received (performance.now()). */
  keyPackageSentAt = 0;
  welcomeReceivedAt = 0;
  /** Times this member lost the group and asked to be added again. */
  rejoins = 0;
  /** Tasks this member got as the committer, with when it sent its commit and had it accepted. */
  readonly tasks: CommitterMarks[] = [];
  readonly #frames = new Map<number, Buffer[]>();
  #queue: Promise<void> = Promise.resolve();
  /** The meeting as announced, in join order: what the MLS group is held to. */
  readonly #roster: string[];

  constructor(memberId: string, roster: readonly string[], request: (message: MlsRequest) => Promise<unknown>) {
    this.#roster = [...roster];
    this.agreement = new KeyAgreement(memberId, (message) => this.#timed(message, request));
    this.agreement.setRoster(this.#roster);
    this.agreement.on('rejoining', () => this.rejoins++);
    this.agreement.on('epoch', (keys) => {
      this.latest = keys;
      this.keysAt ||= performance.now();
      this.ring.setEpoch(keys.epoch, keys.sframeSecret, keys.ownLeafIndex, keys.members).catch(() => {});
    });
  }

  handle(message: ServerMessage): void {
    if (message.type === 'mls-welcome') this.welcomeReceivedAt ||= performance.now();
    if (message.type === 'mls-task' && message.epoch !== null) {
      const adds = message.adds.map((a) => a.memberId);
      this.tasks.push({ epoch: message.epoch, adds, receivedAt: performance.now(), sentAt: 0, acceptedAt: 0 });
    }
    if (message.type === 'member-joined') this.#roster.push(message.member.id);
    const leaving = message.type === 'member-left' ? this.#roster.indexOf(message.memberId) : -1;
    if (leaving >= 0) this.#roster.splice(leaving, 1);
    if (message.type === 'member-joined' || message.type === 'member-left') this.agreement.setRoster(this.#roster);
    if (
      message.type === 'mls-task' ||
      message.type === 'mls-commit' ||
      message.type === 'mls-welcome' ||
      message.type === 'relay'
    ) {
      this.agreement.handle(message as MlsEvent);
    }
  }

  /** A frame to send, sealed; null until we have keys (then nothing is sent). */
  protect(kind: 'audio' | 'video', frame: Buffer): Promise<Buffer | null> {
    return encryptFrame(this.ring, kind, frame).then((sealed) => (sealed ? Buffer.from(sealed) : null));
  }

  /** A received RTP packet: reassembles VP8 frames (S bit … marker) and decrypts each. */
  onPacket(kind: 'audio' | 'video', view: RtpView): void {
    const payload = view.payload();
    if (kind === 'audio') {
      this.#decrypt(kind, Buffer.from(payload));
      return;
    }
    const descriptor = vp8DescriptorLength(payload);
    if (descriptor < 0) return;
    if (startsVp8Frame(payload)) this.#frames.set(view.ssrc, []);
    const parts = this.#frames.get(view.ssrc);
    if (!parts) return;
    parts.push(Buffer.from(payload.subarray(descriptor)));
    if (view.marker) {
      this.#frames.delete(view.ssrc);
      this.#decrypt(kind, Buffer.concat(parts));
    }
  }

  /** Marks our requests on their way out and back (the benchmark's timeline). */
  async #timed(message: MlsRequest, request: (message: MlsRequest) => Promise<unknown>): Promise<unknown> {
    if (message.type === 'mls-key-package') this.keyPackageSentAt ||= performance.now();
    if (message.type !== 'mls-commit') return request(message);
    const task = this.tasks.find((t) => t.epoch === message.epoch && !t.sentAt);
    if (task) task.sentAt = performance.now();
    const result = await request(message);
    if (task) task.acceptedAt = performance.now();
    return result;
  }

  close(): void {
    this.agreement.close();
    this.ring.clear();
  }

  #decrypt(kind: 'audio' | 'video', frame: Buffer): void {
    this.#queue = this.#queue.then(() =>
      decryptFrame(this.ring, kind, frame).then(
        () => {
          this.decryptedFrames++;
          if (kind === 'video') this.firstVideoAt ||= performance.now();
        },
        () => {
          this.failedFrames++;
        },
      ),
    );
  }
}
