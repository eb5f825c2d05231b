/**
 * The E2EE worker: every encoded audio and video frame we send or receive passes through here
 * (RTCRtpScriptTransform, or streams handed over by createEncodedStreams on browsers that only
 * have that). Keys live only in this worker and in the page's MLS state, never on the server.
 */
import type { FrameKind } from './frame-crypto.ts';
import { decryptFrame, encryptFrame, frameKid } from './frame-crypto.ts';
import { MediaKeyRing } from './media-key-ring.ts';
import { makeKid, parseKid } from './mls-sframe-keys.ts';
import type { E2eeFrameStats, WorkerRequest } from './worker-messages.ts';

/** How long a frame from an epoch we do not have yet may wait for its commit to be processed. */
const FUTURE_KEY_WAIT_MS = 1000;

type Operation = 'encrypt' | 'decrypt';
interface EncodedFrame {
  data: ArrayBuffer;
}

const ring = new MediaKeyRing();
const stats: E2eeFrameStats = { encrypted: 0, decrypted: 0, dropped: 0, failed: 0, senders: 0, receivers: 0 };
/** Until when frames may still wait for the next keys (0: nobody waited since they last came). */
let waitUntil = 0;
let keysArrived: () => void = () => {};
let nextKeys = new Promise<void>((resolve) => {
  keysArrived = resolve;
});

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  onrtctransform:
    | ((event: { transformer: { readable: ReadableStream; writable: WritableStream; options: unknown } }) => void)
    | null;
  postMessage(message: unknown): void;
};

scope.onrtctransform = (event) => {
  const { operation, kind } = event.transformer.options as { operation: Operation; kind: FrameKind };
  pipe(event.transformer.readable, event.transformer.writable, operation, kind);
};

scope.onmessage = (event) => {
  const request = event.data;
  switch (request.type) {
    case 'epoch':
      ring.setEpoch(request.epoch, request.secret, request.ownLeafIndex, request.memberLeaves).then(() => {
        keysArrived();
        waitUntil = 0;
        nextKeys = new Promise<void>((resolve) => {
          keysArrived = resolve;
        });
      });
      return;
    case 'streams':
      pipe(request.readable, request.writable, request.operation, request.kind);
      return;
    case 'stats':
      scope.postMessage({ type: 'stats', id: request.id, stats });
      return;
    case 'clear':
      ring.clear();
      return;
  }
};

function pipe(readable: ReadableStream, writable: WritableStream, operation: Operation, kind: FrameKind): void {
  const transform = operation === 'encrypt' ? encrypt : decrypt;
  if (operation === 'encrypt') stats.senders++;
  else stats.receivers++;
  readable
    .pipeThrough(new TransformStream<EncodedFrame, EncodedFrame>({ transform: (frame, out) => transform(frame, kind, out) }))
    .pipeTo(writable)
    .catch(() => {});
}

async function encrypt(frame: EncodedFrame, kind: FrameKind, out: TransformStreamDefaultController<EncodedFrame>) {
  const sealed = await encryptFrame(ring, kind, new Uint8Array(frame.data));
  // No key yet: the frame is dropped, never sent in the clear.
  if (!sealed) {
    stats.dropped++;
    return;
  }
  frame.data = sealed.buffer as ArrayBuffer;
  stats.encrypted++;
  out.enqueue(frame);
}

async function decrypt(frame: EncodedFrame, kind: FrameKind, out: TransformStreamDefaultController<EncodedFrame>) {
  const data = new Uint8Array(frame.data);
  if (data.length === 0) return;
  if (await waitForKey(kind, data)) {
    try {
      frame.data = (await decryptFrame(ring, kind, data)).buffer as ArrayBuffer;
      stats.decrypted++;
      out.enqueue(frame);
      return;
    } catch {
      // Wrong key, forged or clear media: never reaches the decoder.
    }
  }
  stats.failed++;
}

/**
 * A frame from the next epoch can arrive just before we processed the commit that starts it:
 * it waits briefly for those keys rather than being lost (and forcing a key frame).
 */
async function waitForKey(kind: FrameKind, data: Uint8Array): Promise<boolean> {
  const kid = frameKid(kind, data);
  if (kid === null) return false;
  if (ring.keyFor(kid)) return true;
  const current = ring.currentEpoch;
  if (current !== null && parseKid(kid).epochLow !== parseKid(makeKid(0, current + 1n)).epochLow) return false;
  // One shared wait per key change: once it has run out, later frames are dropped at once instead
  // of each waiting again (which would pile up a backlog of late frames).
  const now = performance.now();
  if (waitUntil === 0) waitUntil = now + FUTURE_KEY_WAIT_MS;
  if (now >= waitUntil) return false;
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, waitUntil - now));
  await Promise.race([nextKeys, timeout]);
  return ring.keyFor(kid) !== undefined;
}
