/**
 * The E2EE worker's frame pipeline in Node (web streams and WebCrypto are the same there): the
 * module is loaded fresh per test, with the page's messages and the transforms fed by hand.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FrameKind } from '../src/e2ee/frame-crypto.ts';
import { encryptFrame } from '../src/e2ee/frame-crypto.ts';
import { MediaKeyRing } from '../src/e2ee/media-key-ring.ts';
import { REBIND_WAIT_MS } from '../src/e2ee/receiver-bindings.ts';
import { decodeSFrameHeader } from '../src/e2ee/sframe.ts';
import type { E2eeFrameStats, TransformOptions, WorkerRequest } from '../src/e2ee/worker-messages.ts';

const EPOCH = 7n;
const MEMBERS = [
  { leafIndex: 0, identity: 'alice' },
  { leafIndex: 1, identity: 'bob' },
  { leafIndex: 2, identity: 'carol' },
];
const BOB = 1;
const secret = () => new Uint8Array(16).fill(0x5a);
const AUDIO = Uint8Array.from({ length: 60 }, (_, i) => (i * 29 + 3) & 0xff);

interface Scope {
  onmessage: ((event: { data: WorkerRequest }) => void) | null;
  onrtctransform:
    | ((event: { transformer: { readable: ReadableStream; writable: WritableStream; options: unknown } }) => void)
    | null;
  postMessage?: (message: unknown) => void;
}
const scope = globalThis as unknown as Scope;

/** A transform the test writes frames into, and whose output it reads. */
interface Pipe {
  write(data: Uint8Array): void;
  readonly out: Uint8Array[];
}

let replies: Array<{ type: 'stats'; id: number; stats: E2eeFrameStats }>;

beforeEach(async () => {
  replies = [];
  scope.postMessage = (message) => replies.push(message as (typeof replies)[number]);
  vi.resetModules();
  await import('../src/e2ee/e2ee-worker.ts');
});

function send(request: WorkerRequest): void {
  scope.onmessage?.({ data: request });
}

function wire(): { readable: ReadableStream; writable: WritableStream; pipe: Pipe } {
  let input!: ReadableStreamDefaultController<{ data: ArrayBuffer }>;
  const readable = new ReadableStream<{ data: ArrayBuffer }>({
    start(controller) {
      input = controller;
    },
  });
  const out: Uint8Array[] = [];
  const writable = new WritableStream<{ data: ArrayBuffer }>({
    write(frame) {
      out.push(new Uint8Array(frame.data));
      // As in the browser: a frame handed on is no longer the worker's to read.
      Object.defineProperty(frame, 'data', {
        get() {
          throw new Error('this frame was already sent on');
        },
      });
    },
  });
  return { readable, writable, pipe: { write: (data) => input.enqueue({ data: data.slice().buffer }), out } };
}

/** A transform as RTCRtpScriptTransform creates it. */
function scriptTransform(options: TransformOptions): Pipe {
  const { readable, writable, pipe } = wire();
  scope.onrtctransform?.({ transformer: { readable, writable, options } });
  return pipe;
}

/** A transform over createEncodedStreams' streams, handed over in a message. */
function encodedStreams(options: TransformOptions): Pipe {
  const { readable, writable, pipe } = wire();
  send({ type: 'streams', readable, writable, ...options });
  return pipe;
}

async function stats(): Promise<E2eeFrameStats> {
  const id = replies.length + 1;
  send({ type: 'stats', id });
  const reply = replies.find((r) => r.id === id);
  if (!reply) throw new Error('no stats reply');
  return { ...reply.stats };
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 2_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Frames from `leaf` in EPOCH, in counter order. */
async function senderOf(leaf: number): Promise<(kind?: FrameKind) => Promise<Uint8Array>> {
  const ring = new MediaKeyRing();
  await ring.setEpoch(EPOCH, secret(), leaf, MEMBERS);
  return async (kind = 'audio') => {
    const sealed = await encryptFrame(ring, kind, AUDIO);
    if (!sealed) throw new Error('expected a frame');
    return sealed;
  };
}

/** The worker, as Bob, in EPOCH; how many frames Bob sent to find out his key was there. */
async function asBob(): Promise<number> {
  send({ type: 'epoch', epoch: EPOCH, secret: secret(), ownLeafIndex: BOB, members: MEMBERS });
  // The own sender key is derived asynchronously: one probe frame at a time until one goes out.
  const probe = scriptTransform({ operation: 'encrypt', kind: 'audio' });
  while (probe.out.length === 0) {
    const { dropped } = await stats();
    probe.write(AUDIO);
    await until(async () => probe.out.length > 0 || (await stats()).dropped > dropped);
  }
  return probe.out.length;
}

for (const [name, transform] of [
  ['RTCRtpScriptTransform', scriptTransform],
  ['createEncodedStreams', encodedStreams],
] as const) {
  describe(`E2EE worker (${name})`, () => {
    it("shows a receiver only its bound member's frames, each once", async () => {
      await asBob();
      const fromAlice = await senderOf(0);
      const fromCarol = await senderOf(2);
      const receiver = transform({ operation: 'decrypt', kind: 'audio', receiverId: 4 });
      send({ type: 'bind', receiverId: 4, memberId: 'alice' });
      const first = await fromAlice();
      receiver.write(first);
      receiver.write(first);
      receiver.write(await fromAlice());
      await until(async () => (await stats()).replayed === 1 && receiver.out.length === 2);
      expect(receiver.out).toEqual([AUDIO, AUDIO]);

      // Carol's frame on Alice's receiver: held for a re-binding that never comes, then dropped.
      receiver.write(await fromCarol());
      await new Promise((resolve) => setTimeout(resolve, REBIND_WAIT_MS + 50));
      expect(await stats()).toMatchObject({ decrypted: 2, replayed: 1, wrongSender: 1, failed: 0 });
      expect(receiver.out).toHaveLength(2);
    });

    it("passes a new member's first frames once the receiver is re-bound to it", async () => {
      await asBob();
      const fromAlice = await senderOf(0);
      const fromCarol = await senderOf(2);
      const receiver = transform({ operation: 'decrypt', kind: 'audio', receiverId: 9 });
      // Never bound yet: the frames wait for the binding.
      receiver.write(await fromCarol());
      receiver.write(await fromCarol());
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(receiver.out).toHaveLength(0);
      send({ type: 'bind', receiverId: 9, memberId: 'carol' });
      await until(() => receiver.out.length === 2);
      // The slot moves to Alice; Carol's late frame is dropped at once, Alice's passes.
      send({ type: 'bind', receiverId: 9, memberId: 'alice' });
      receiver.write(await fromCarol());
      receiver.write(await fromAlice());
      await until(() => receiver.out.length === 3);
      expect(await stats()).toMatchObject({ decrypted: 3, wrongSender: 1 });
      // Bound to nobody: Alice's frames no longer pass.
      send({ type: 'bind', receiverId: 9, memberId: null });
      receiver.write(await fromAlice());
      await until(async () => (await stats()).wrongSender === 2, REBIND_WAIT_MS + 500);
      expect(receiver.out).toHaveLength(3);
    });

    it('withholds every frame to send while sending is not allowed, without using a counter', async () => {
      const sender = transform({ operation: 'encrypt', kind: 'audio' });
      sender.write(AUDIO);
      await until(async () => (await stats()).dropped === 1);
      const probes = await asBob();
      const before = await stats();
      send({ type: 'sending', allowed: false });
      sender.write(AUDIO);
      sender.write(AUDIO);
      await until(async () => (await stats()).withheld === 2);
      send({ type: 'sending', allowed: true });
      sender.write(AUDIO);
      await until(async () => (await stats()).encrypted === before.encrypted + 1);
      expect(sender.out).toHaveLength(1);
      expect(await stats()).toMatchObject({ withheld: 2, dropped: before.dropped });
      // The withheld frames took no counter: this one has the next after Bob's earlier frames.
      expect(decodeSFrameHeader(sender.out[0] as Uint8Array, 1).ctr).toBe(BigInt(probes));
    });
  });
}

describe('E2EE worker: key frames after dropped video', () => {
  /** VP8-shaped frames: bit 0 of the first byte is 0 on a key frame. */
  const KEY = Uint8Array.from({ length: 40 }, (_, i) => (i === 0 ? 0x10 : (i * 7) & 0xff));
  const DELTA = Uint8Array.from({ length: 40 }, (_, i) => (i === 0 ? 0x31 : (i * 11) & 0xff));

  it('asks the sender for a key frame once video flows again after the key frame was dropped', async () => {
    await asBob();
    const ring = new MediaKeyRing();
    await ring.setEpoch(EPOCH, secret(), 0, MEMBERS);
    const seal = async (frame: Uint8Array) => (await encryptFrame(ring, 'video', frame)) as Uint8Array;
    const { readable, writable, pipe } = wire();
    let requests = 0;
    scope.onrtctransform?.({
      transformer: {
        readable,
        writable,
        options: { operation: 'decrypt', kind: 'video', receiverId: 12 },
        sendKeyFrameRequest: async () => {
          requests++;
        },
      } as never,
    });
    // Alice's key frame arrives before the receiver is bound to her, and is lost after the wait.
    pipe.write(await seal(KEY));
    await until(async () => (await stats()).wrongSender === 1, REBIND_WAIT_MS + 500);
    send({ type: 'bind', receiverId: 12, memberId: 'alice' });
    pipe.write(await seal(DELTA));
    pipe.write(await seal(DELTA));
    await until(() => pipe.out.length === 2);
    expect(requests).toBe(1); // once, not per frame
    // A key frame arrives: nothing more to ask for.
    pipe.write(await seal(KEY));
    pipe.write(await seal(DELTA));
    await until(() => pipe.out.length === 4);
    expect(requests).toBe(1);
    expect((await stats()).keyFrameRequests).toBe(1);
  });
});
