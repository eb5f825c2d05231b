import type { FrameKind } from './frame-crypto.ts';
import type { EpochKeys } from './key-agreement.ts';
import type { E2eeFrameStats, WorkerRequest } from './worker-messages.ts';

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
export class MediaEncryption {
  readonly api: EncodedTransformApi;
  readonly #worker: Worker;
  readonly #attached = new WeakSet<RTCRtpSender | RTCRtpReceiver>();
  readonly #statsReplies = new Map<number, (stats: E2eeFrameStats) => void>();
  #nextStatsId = 1;

  constructor(api: EncodedTransformApi) {
    this.api = api;
    this.#worker = new Worker(new URL('./e2ee-worker.ts', import.meta.url), { type: 'module', name: 'sotto-e2ee' });
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
      memberLeaves: keys.members.map((m) => m.leafIndex),
    });
  }

  protectSender(sender: RTCRtpSender, kind: FrameKind): void {
    this.#attach(sender, 'encrypt', kind);
  }

  protectReceiver(receiver: RTCRtpReceiver, kind: FrameKind): void {
    this.#attach(receiver, 'decrypt', kind);
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

  #attach(target: RTCRtpSender | RTCRtpReceiver, operation: 'encrypt' | 'decrypt', kind: FrameKind): void {
    if (this.#attached.has(target)) return;
    this.#attached.add(target);
    if (this.api === 'script-transform') {
      target.transform = new RTCRtpScriptTransform(this.#worker, { operation, kind });
      return;
    }
    const { readable, writable } = (target as unknown as WithEncodedStreams).createEncodedStreams();
    this.#worker.postMessage({ type: 'streams', readable, writable, operation, kind } satisfies WorkerRequest, [
      readable as unknown as Transferable,
      writable as unknown as Transferable,
    ]);
  }

  #post(request: WorkerRequest): void {
    this.#worker.postMessage(request);
  }
}
