/**
 * The E2EE worker: every encoded audio and video frame we send or receive passes through here
 * (RTCRtpScriptTransform, or streams handed over by createEncodedStreams on browsers that only
 * have that). Keys live only in this worker and in the page's MLS state, never on the server.
 */
import type { FrameKind } from './frame-crypto.ts';
import { decryptFrame, encryptFrame, frameKid, isKeyFrame } from './frame-crypto.ts';
import { KeyFrameRecovery } from './key-frame-recovery.ts';
import { MediaKeyRing } from './media-key-ring.ts';
import { ReceiverBindings } from './receiver-bindings.ts';
import { SFrameError } from './sframe.ts';
import type { E2eeFrameStats, TransformOptions, WorkerRequest } from './worker-messages.ts';

/** How long a frame from an epoch we do not have yet may wait for its commit to be processed. */
const FUTURE_KEY_WAIT_MS = 1000;

interface EncodedFrame {
  data: ArrayBuffer;
}

const ring = new MediaKeyRing();
const bindings = new ReceiverBindings();
const recovery = new KeyFrameRecovery();
const stats: E2eeFrameStats = {
  encrypted: 0,
  decrypted: 0,
  dropped: 0,
  withheld: 0,
  failed: 0,
  wrongSender: 0,
  replayed: 0,
  keyFrameRequests: 0,
  senders: 0,
  receivers: 0,
};
/** Cleared by the page while the group does not match the roster: nothing leaves then. */
let sendingAllowed = true;
/** Until when frames may still wait for the next keys (0: nobody waited since they last came). */
let waitUntil = 0;
let keysArrived: () => void = () => {};
let nextKeys = new Promise<void>((resolve) => {
  keysArrived = resolve;
});

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  onrtctransform:
    | ((event: {
        transformer: {
          readable: ReadableStream;
          writable: WritableStream;
          options: unknown;
          sendKeyFrameRequest?: () => Promise<void>;
        };
      }) => void)
    | null;
  postMessage(message: unknown): void;
};

scope.onrtctransform = (event) => {
  const { transformer } = event;
  // Only RTCRtpScriptTransform can ask the sender for a key frame (createEncodedStreams cannot).
  const requestKeyFrame =
    typeof transformer.sendKeyFrameRequest === 'function' ? () => transformer.sendKeyFrameRequest?.() : undefined;
  pipe(transformer.readable, transformer.writable, transformer.options as TransformOptions, requestKeyFrame);
};

scope.onmessage = (event) => {
  const request = event.data;
  switch (request.type) {
    case 'epoch':
      ring.setEpoch(request.epoch, request.secret, request.ownLeafIndex, request.members).then(() => {
        keysArrived();
        waitUntil = 0;
        nextKeys = new Promise<void>((resolve) => {
          keysArrived = resolve;
        });
      });
      return;
    case 'streams':
      pipe(request.readable, request.writable, request);
      return;
    case 'bind':
      bindings.bind(request.receiverId, request.memberId);
      return;
    case 'sending':
      sendingAllowed = request.allowed;
      return;
    case 'stats':
      scope.postMessage({ type: 'stats', id: request.id, stats });
      return;
    case 'clear':
      ring.clear();
      return;
  }
};

function pipe(
  readable: ReadableStream,
  writable: WritableStream,
  options: TransformOptions,
  requestKeyFrame?: () => Promise<void> | undefined,
): void {
  const { kind } = options;
  let transform: (frame: EncodedFrame, out: TransformStreamDefaultController<EncodedFrame>) => Promise<void>;
  if (options.operation === 'encrypt') {
    stats.senders++;
    transform = (frame, out) => encrypt(frame, kind, out);
  } else {
    stats.receivers++;
    const receiverId = options.receiverId;
    transform = async (frame, out) => {
      // Read before the frame is handed on: an enqueued frame's data is no longer ours. (The
      // key-frame bit is in the clear prefix, the same before and after decryption.)
      const keyFrame = isKeyFrame(kind, new Uint8Array(frame.data));
      const passed = await decrypt(frame, kind, receiverId, out);
      if (kind !== 'video') return;
      if (!passed) recovery.dropped(receiverId);
      else if (recovery.passed(receiverId, keyFrame)) {
        stats.keyFrameRequests++;
        requestKeyFrame?.()?.catch(() => {});
      }
    };
  }
  readable
    .pipeThrough(new TransformStream<EncodedFrame, EncodedFrame>({ transform }))
    .pipeTo(writable)
    .catch(() => {})
    .then(() => {
      if (options.operation === 'decrypt') {
        bindings.forget(options.receiverId);
        recovery.forget(options.receiverId);
      }
    });
}

async function encrypt(frame: EncodedFrame, kind: FrameKind, out: TransformStreamDefaultController<EncodedFrame>) {
  // Never encrypted, so no counter is spent on a frame nobody may see.
  if (!sendingAllowed) {
    stats.withheld++;
    return;
  }
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

/** True when the frame went on to the decoder. */
async function decrypt(
  frame: EncodedFrame,
  kind: FrameKind,
  receiverId: number,
  out: TransformStreamDefaultController<EncodedFrame>,
): Promise<boolean> {
  const data = new Uint8Array(frame.data);
  if (data.length === 0) return false;
  const sender = await senderOf(kind, data);
  if (sender === undefined) {
    stats.failed++;
    return false;
  }
  // Only the member this receiver carries (never bound: nobody) is shown on it.
  if (!(await bindings.admit(receiverId, sender))) {
    stats.wrongSender++;
    return false;
  }
  try {
    frame.data = (await decryptFrame(ring, kind, data, sender)).buffer as ArrayBuffer;
    stats.decrypted++;
    out.enqueue(frame);
    return true;
  } catch (error) {
    // Wrong key, forged, clear or replayed media: never reaches the decoder.
    const code = error instanceof SFrameError ? error.code : null;
    if (code === 'replayed') stats.replayed++;
    else if (code === 'wrong-sender') stats.wrongSender++;
    else stats.failed++;
    return false;
  }
}

/**
 * The member a frame's KID names (undefined: none of our epochs has it). A frame from the next
 * epoch can arrive just before we processed the commit that starts it: it waits briefly for those
 * keys rather than being lost (and forcing a key frame).
 */
async function senderOf(kind: FrameKind, data: Uint8Array): Promise<string | undefined> {
  const kid = frameKid(kind, data);
  if (kid === null) return undefined;
  const known = ring.senderOf(kid);
  if (known !== undefined) return known;
  if (!ring.mayBeNextEpoch(kid)) return undefined;
  // One shared wait per key change: once it has run out, later frames are dropped at once instead
  // of each waiting again (which would pile up a backlog of late frames).
  const now = performance.now();
  if (waitUntil === 0) waitUntil = now + FUTURE_KEY_WAIT_MS;
  if (now >= waitUntil) return undefined;
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, waitUntil - now));
  await Promise.race([nextKeys, timeout]);
  return ring.senderOf(kid);
}
