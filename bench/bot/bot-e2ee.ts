import type { ServerMessage } from '@sotto/protocol';
import { decryptFrame, encryptFrame, frameKid } from '../../packages/client/src/e2ee/frame-crypto.ts';
import type { EpochKeys, MlsRequest } from '../../packages/client/src/e2ee/key-agreement.ts';
import { KeyAgreement } from '../../packages/client/src/e2ee/key-agreement.ts';
import { MediaKeyRing } from '../../packages/client/src/e2ee/media-key-ring.ts';
import { makeKid, parseKid } from '../../packages/client/src/e2ee/mls-sframe-keys.ts';
import { SFrameError } from '../../packages/client/src/e2ee/sframe.ts';
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
  /**
   * Failed frames by SFrame error code ('unknown-key': still no key after waiting a second), or
   * 'before-keys' for frames that arrived before this member had any keys.
   */
  readonly failures = new Map<string, number>();
  /** Frames that had to wait for the next epoch's keys (they were sent right after a commit we had not processed yet). */
  waitedForKeys = 0;
  #nextEpoch: Promise<void> = new Promise(() => {});
  /** One shared wait per key change (performance.now() when it runs out; 0 = not started). */
  #waitUntil = 0;
  /** The epoch we first had keys for (our Welcome's, or the group we created). */
  #firstEpoch: bigint | null = null;
  #epochArrived: () => void = () => {};
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
    this.#armNextEpoch();
    this.agreement.on('epoch', (keys) => {
      this.#epochArrived();
      this.#armNextEpoch();
      this.latest = keys;
      this.#firstEpoch ??= keys.epoch;
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

  /**
   * Media reaches a newcomer before its Welcome does, and the last frames of the epoch before it
   * joined right after: nobody new can read those (they were never meant for it).
   */
  #fromBeforeWeJoined(kind: 'audio' | 'video', frame: Buffer): boolean {
    if (this.#firstEpoch === null) return true;
    const kid = frameKid(kind, frame);
    if (kid === null) return false;
    const { epochLow } = parseKid(kid);
    const first = this.#firstEpoch;
    return [1n, 2n, 3n].some((back) => back <= first && parseKid(makeKid(0, first - back)).epochLow === epochLow);
  }

  #armNextEpoch(): void {
    this.#waitUntil = 0;
    this.#nextEpoch = new Promise((resolve) => {
      this.#epochArrived = resolve;
    });
  }

  /**
   * Decrypts in arrival order. A frame under keys we do not have yet waits (up to a second) for
   * the next epoch, as the browser's worker does: its sender processed the commit before us.
   */
  #decrypt(kind: 'audio' | 'video', frame: Buffer): void {
    this.#queue = this.#queue.then(async () => {
      try {
        await decryptFrame(this.ring, kind, frame).catch(async (error: unknown) => {
          if (!(error instanceof SFrameError) || error.code !== 'unknown-key') throw error;
          const kid = frameKid(kind, frame);
          const now = performance.now();
          if (this.#waitUntil === 0) this.#waitUntil = now + 1000;
          if (kid === null || !this.ring.mayBeNextEpoch(kid) || now >= this.#waitUntil) throw error;
          this.waitedForKeys++;
          await Promise.race([this.#nextEpoch, new Promise((r) => setTimeout(r, this.#waitUntil - now))]);
          return decryptFrame(this.ring, kind, frame);
        });
        this.decryptedFrames++;
        if (kind === 'video') this.firstVideoAt ||= performance.now();
      } catch (error) {
        this.failedFrames++;
        const code = this.#fromBeforeWeJoined(kind, frame) ? 'before-keys' : error instanceof SFrameError ? error.code : 'other';
        this.failures.set(code, (this.failures.get(code) ?? 0) + 1);
      }
    });
  }
}
