import type { FrameKind } from './frame-crypto.ts';
import type { EpochKeys } from './key-agreement.ts';
import type { E2eeFrameStats, TransformOptions, WorkerRequest } from './worker-messages.ts';

export type EncodedTransformApi = 'script-transform' | 'encoded-streams';

/** Which encoded-transform API this browser offers, or null: it cannot take part in E2EE. */
export function encodedTransformApi(): EncodedTransformApi | null {
  if (typeof RTCRtpScriptTransform === 'function') return 'script-transform';
  const sender = globalThis.RTCRtpSender?.prototype as { createEncodedStreams?: unknown } | undefined;
  if (typeof sender?.createEncodedStreams === 'function') return 'encoded-streams';
  return null;
}

interface EncodedStreams {
  readable: ReadableStream;
  writable: WritableStream;
}
type WithEncodedStreams = { createEncodedStreams(): EncodedStreams };

/**
 * The page's side of media E2EE: one worker for the whole meeting, transforms attached to every
 * sender and receiver the moment they exist (a transform attached later is silently skipped and
 * media would flow in the clear), and the epoch keys handed to the worker.
 */
/** Where the E2EE worker comes from, when the app provides it: a URL, or a function that makes it. */
export type E2eeWorkerSource = string | URL | (() => Worker);

export class MediaEncryption {
  readonly api: EncodedTransformApi;
  readonly #worker: Worker;
  readonly #attached = new WeakSet<RTCRtpSender | RTCRtpReceiver>();
  /** How the worker names each receiver (in its transform's options and in 'bind'). */
  readonly #receiverIds = new WeakMap<RTCRtpReceiver, number>();
  #nextReceiverId = 1;
  readonly #statsReplies = new Map<number, (stats: E2eeFrameStats) => void>();
  #nextStatsId = 1;

  /** `worker`: the app's own E2EE worker, or its URL (else the one beside the SDK). */
  constructor(api: EncodedTransformApi, worker?: E2eeWorkerSource) {
    this.api = api;
    this.#worker =
      typeof worker === 'function'
        ? worker()
        : worker !== undefined
          ? new Worker(worker, { type: 'module', name: 'sotto-e2ee' })
          : new Worker(new URL('./e2ee-worker.ts', import.meta.url), { type: 'module', name: 'sotto-e2ee' });
    this.#worker.onmessage = (event: MessageEvent<{ type: 'stats'; id: number; stats: E2eeFrameStats }>) => {
      this.#statsReplies.get(event.data.id)?.(event.data.stats);
      this.#statsReplies.delete(event.data.id);
    };
  }

  /** Extra RTCPeerConnection settings every connection of the meeting needs. */
  get peerConnectionConfig(): RTCConfiguration {
    return this.api === 'encoded-streams' ? ({ encodedInsertableStreams: true } as RTCConfiguration) : {};
  }

  setEpoch(keys: EpochKeys): void {
    this.#post({
      type: 'epoch',
      epoch: keys.epoch,
      secret: keys.sframeSecret,
      ownLeafIndex: keys.ownLeafIndex,
      members: keys.members.map((m) => ({ leafIndex: m.leafIndex, identity: m.identity })),
    });
  }

  protectSender(sender: RTCRtpSender, kind: FrameKind): void {
    this.#attach(sender, { operation: 'encrypt', kind });
  }

  protectReceiver(receiver: RTCRtpReceiver, kind: FrameKind): void {
    this.#attach(receiver, { operation: 'decrypt', kind, receiverId: this.#receiverId(receiver) });
  }

  /**
   * The member whose media `receiver` carries (null: nobody's, e.g. a free slot): its frames are
   * dropped unless their KID is that member's. Until first bound, a receiver shows nothing. May
   * be called before or after protectReceiver.
   */
  bindReceiver(receiver: RTCRtpReceiver, memberId: string | null): void {
    this.#post({ type: 'bind', receiverId: this.#receiverId(receiver), memberId });
  }

  /** While false, every frame to send is dropped before encryption (the group is not the roster). */
  setSendingAllowed(allowed: boolean): void {
    this.#post({ type: 'sending', allowed });
  }

  stats(): Promise<E2eeFrameStats> {
    const id = this.#nextStatsId++;
    return new Promise((resolve) => {
      this.#statsReplies.set(id, resolve);
      this.#post({ type: 'stats', id });
    });
  }

  close(): void {
    this.#post({ type: 'clear' });
    this.#worker.terminate();
  }

  #receiverId(receiver: RTCRtpReceiver): number {
    let id = this.#receiverIds.get(receiver);
    if (id === undefined) {
      id = this.#nextReceiverId++;
      this.#receiverIds.set(receiver, id);
    }
    return id;
  }

  #attach(target: RTCRtpSender | RTCRtpReceiver, options: TransformOptions): void {
    if (this.#attached.has(target)) return;
    this.#attached.add(target);
    if (this.api === 'script-transform') {
      target.transform = new RTCRtpScriptTransform(this.#worker, options);
      return;
    }
    const { readable, writable } = (target as unknown as WithEncodedStreams).createEncodedStreams();
    this.#worker.postMessage({ type: 'streams', readable, writable, ...options } satisfies WorkerRequest, [
      readable as unknown as Transferable,
      writable as unknown as Transferable,
    ]);
  }

  #post(request: WorkerRequest): void {
    this.#worker.postMessage(request);
  }
}
