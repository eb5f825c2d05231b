import { afterEach, describe, expect, it, vi } from 'vitest';
import { decryptFrame, encryptFrame } from '../src/e2ee/frame-crypto.ts';
import { MediaKeyRing, RETAIN_PREVIOUS_EPOCH_MS } from '../src/e2ee/media-key-ring.ts';
import { makeKid } from '../src/e2ee/mls-sframe-keys.ts';
import type { SFrameKey } from '../src/e2ee/sframe.ts';
import { decodeSFrameHeader, SFrameError } from '../src/e2ee/sframe.ts';

const ME = 2;
const PEER = 5;
const OUTSIDER = 9;
/** Members of an epoch by leaf index, each with its own identity. */
const members = (...leaves: number[]) => leaves.map((leafIndex) => ({ leafIndex, identity: `member-${leafIndex}` }));
const MEMBERS = members(ME, PEER);

/** A fresh copy each time: the ring wipes its secret when it forgets an epoch. */
const secret = (fill: number) => new Uint8Array(16).fill(fill);
const AUDIO = Uint8Array.from({ length: 80 }, (_, i) => (i * 13 + 7) & 0xff);

/** A ring on a clock the test moves by hand. */
function clockedRing(): { ring: MediaKeyRing; clock: { now: number } } {
  const clock = { now: 1_000 };
  return { ring: new MediaKeyRing(() => clock.now), clock };
}

async function resolved(key: Promise<SFrameKey> | undefined): Promise<SFrameKey> {
  expect(key).toBeDefined();
  return (await key) as SFrameKey;
}

/** `count` audio frames from `leaf` in `epoch` (with that epoch's secret `fill`), in order. */
async function framesFrom(leaf: number, epoch: bigint, fill: number, count: number): Promise<Uint8Array[]> {
  const sender = new MediaKeyRing();
  await sender.setEpoch(epoch, secret(fill), leaf, MEMBERS);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const out = await encryptFrame(sender, 'audio', AUDIO);
    if (!out) throw new Error('expected a protected frame');
    frames.push(out);
  }
  return frames;
}

/** The first audio frame from `leaf` in `epoch`. */
async function frameFrom(leaf: number, epoch: bigint, fill: number): Promise<Uint8Array> {
  return (await framesFrom(leaf, epoch, fill, 1))[0] as Uint8Array;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('MediaKeyRing sender', () => {
  it('has no sender and no epoch before the first epoch', () => {
    const ring = new MediaKeyRing();
    expect(ring.sender).toBeNull();
    expect(ring.currentEpoch).toBeNull();
  });

  it('sends under the KID of our own leaf and the epoch', async () => {
    const ring = new MediaKeyRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    expect(ring.sender?.kid).toBe(makeKid(ME, 3n));
    expect(ring.currentEpoch).toBe(3n);

    const other = new MediaKeyRing();
    await other.setEpoch(3n, secret(1), PEER, MEMBERS);
    expect(other.sender?.kid).toBe(makeKid(PEER, 3n));
  });

  it('rekeys to the new epoch (same sender object, new KID, peers can read it)', async () => {
    const ring = new MediaKeyRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    const sender = ring.sender;
    await ring.setEpoch(4n, secret(2), ME, MEMBERS);
    expect(ring.sender).toBe(sender);
    expect(ring.sender?.kid).toBe(makeKid(ME, 4n));
    expect(ring.currentEpoch).toBe(4n);

    const peer = new MediaKeyRing();
    await peer.setEpoch(4n, secret(2), PEER, MEMBERS);
    const out = await encryptFrame(ring, 'audio', AUDIO);
    expect(decodeSFrameHeader(out as Uint8Array, 1)).toMatchObject({ kid: makeKid(ME, 4n), ctr: 0n });
    expect(await decryptFrame(peer, 'audio', out as Uint8Array)).toEqual(AUDIO);
  });

  it('keeps counting when the same epoch is delivered twice (no repeated nonce)', async () => {
    const ring = new MediaKeyRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    const first = await encryptFrame(ring, 'audio', AUDIO);
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    const second = await encryptFrame(ring, 'audio', AUDIO);
    expect(decodeSFrameHeader(first as Uint8Array, 1)).toMatchObject({ kid: makeKid(ME, 3n), ctr: 0n });
    expect(decodeSFrameHeader(second as Uint8Array, 1)).toMatchObject({ kid: makeKid(ME, 3n), ctr: 1n });
  });
});

describe('MediaKeyRing.keyFor', () => {
  it("derives a member's key for its KID, once", async () => {
    const ring = new MediaKeyRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    const kid = makeKid(PEER, 3n);
    const key = ring.keyFor(kid);
    expect(ring.keyFor(kid)).toBe(key);
    expect((await resolved(key)).kid).toBe(kid);
    // Our own KID resolves too (we are a member), to a different key than the peer's.
    const own = await resolved(ring.keyFor(makeKid(ME, 3n)));
    expect(own.kid).toBe(makeKid(ME, 3n));
    expect(own.salt).not.toEqual((await resolved(key)).salt);
  });

  it('decrypts what a peer of the same epoch sent', async () => {
    const ring = new MediaKeyRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    expect(await decryptFrame(ring, 'audio', await frameFrom(PEER, 3n, 1))).toEqual(AUDIO);
  });

  it('returns undefined for an epoch it never had', async () => {
    const ring = new MediaKeyRing();
    expect(ring.keyFor(makeKid(PEER, 3n))).toBeUndefined();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    expect(ring.keyFor(makeKid(PEER, 4n))).toBeUndefined();
    expect(ring.keyFor(makeKid(PEER, 2n))).toBeUndefined();
    await expect(decryptFrame(ring, 'audio', await frameFrom(PEER, 4n, 1))).rejects.toMatchObject({ code: 'unknown-key' });
  });

  it('returns undefined, without deriving anything, for a leaf not in the epoch', async () => {
    const ring = new MediaKeyRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    const deriveKey = vi.spyOn(globalThis.crypto.subtle, 'deriveKey');
    const deriveBits = vi.spyOn(globalThis.crypto.subtle, 'deriveBits');
    for (const leaf of [OUTSIDER, 0, 1, 3, 0xffff_ffff]) expect(ring.keyFor(makeKid(leaf, 3n))).toBeUndefined();
    // KIDs beyond any uint32 leaf index, as read off the wire.
    expect(ring.keyFor((1n << 64n) - 1n)).toBeUndefined();
    expect(ring.keyFor((1n << 40n) | 3n)).toBeUndefined();
    expect(importKey).not.toHaveBeenCalled();
    expect(deriveKey).not.toHaveBeenCalled();
    expect(deriveBits).not.toHaveBeenCalled();
  });

  it('keeps the previous epoch for RETAIN_PREVIOUS_EPOCH_MS after it was replaced, then forgets it', async () => {
    const { ring, clock } = clockedRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    const [inFlight, stillInFlight, tooLate] = (await framesFrom(PEER, 3n, 1, 3)) as [Uint8Array, Uint8Array, Uint8Array];
    clock.now += 60_000; // an epoch's age does not matter while it is current
    expect(ring.keyFor(makeKid(PEER, 3n))).toBeDefined();

    await ring.setEpoch(4n, secret(2), ME, MEMBERS);
    const replacedAt = clock.now;
    expect(ring.currentEpoch).toBe(4n);
    expect((await resolved(ring.keyFor(makeKid(PEER, 3n)))).kid).toBe(makeKid(PEER, 3n));
    expect(await decryptFrame(ring, 'audio', inFlight)).toEqual(AUDIO);

    clock.now = replacedAt + RETAIN_PREVIOUS_EPOCH_MS;
    expect(ring.keyFor(makeKid(PEER, 3n))).toBeDefined();
    expect(ring.keyFor(makeKid(ME, 3n))).toBeDefined();
    expect(await decryptFrame(ring, 'audio', stillInFlight)).toEqual(AUDIO);

    clock.now = replacedAt + RETAIN_PREVIOUS_EPOCH_MS + 1;
    expect(ring.keyFor(makeKid(PEER, 3n))).toBeUndefined();
    expect(ring.keyFor(makeKid(ME, 3n))).toBeUndefined();
    await expect(decryptFrame(ring, 'audio', tooLate)).rejects.toMatchObject({ code: 'unknown-key' });
    // Forgotten for good, even if the clock went back.
    clock.now = replacedAt;
    expect(ring.keyFor(makeKid(PEER, 3n))).toBeUndefined();

    // The current epoch is unaffected.
    clock.now = replacedAt + 10 * RETAIN_PREVIOUS_EPOCH_MS;
    expect(ring.currentEpoch).toBe(4n);
    expect(await decryptFrame(ring, 'audio', await frameFrom(PEER, 4n, 2))).toEqual(AUDIO);
  });

  it('counts the retention of each epoch from when it was replaced', async () => {
    const { ring, clock } = clockedRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    clock.now += 1_000;
    await ring.setEpoch(4n, secret(2), ME, MEMBERS); // 3 replaced now
    clock.now += 5_000;
    await ring.setEpoch(5n, secret(3), ME, MEMBERS); // 4 replaced now, 3 keeps its time
    expect(ring.currentEpoch).toBe(5n);
    clock.now += RETAIN_PREVIOUS_EPOCH_MS - 5_000 + 1;
    expect(ring.keyFor(makeKid(PEER, 3n))).toBeUndefined();
    expect(ring.keyFor(makeKid(PEER, 4n))).toBeDefined();
    clock.now += 5_000;
    expect(ring.keyFor(makeKid(PEER, 4n))).toBeUndefined();
    expect(ring.keyFor(makeKid(PEER, 5n))).toBeDefined();
  });

  it('stops resolving a key it had already derived once the epoch expires', async () => {
    const { ring, clock } = clockedRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    await resolved(ring.keyFor(makeKid(PEER, 3n)));
    await ring.setEpoch(4n, secret(2), ME, MEMBERS);
    clock.now += RETAIN_PREVIOUS_EPOCH_MS + 1;
    expect(ring.keyFor(makeKid(PEER, 3n))).toBeUndefined();
  });

  it('replaces an epoch 16 epochs older (same KID epoch bits) with the new keys', async () => {
    const { ring, clock } = clockedRing();
    await ring.setEpoch(1n, secret(1), ME, MEMBERS);
    const oldKey = await resolved(ring.keyFor(makeKid(PEER, 1n)));
    const oldFrame = await frameFrom(PEER, 1n, 1);
    expect(await decryptFrame(ring, 'audio', oldFrame)).toEqual(AUDIO);

    await ring.setEpoch(2n, secret(2), ME, MEMBERS);
    clock.now += 100; // well within epoch 1's retention window
    await ring.setEpoch(17n, secret(17), ME, MEMBERS);
    expect(makeKid(PEER, 17n)).toBe(makeKid(PEER, 1n));
    expect(ring.currentEpoch).toBe(17n);
    expect(ring.sender?.kid).toBe(makeKid(ME, 1n));

    const newKey = await resolved(ring.keyFor(makeKid(PEER, 17n)));
    expect(newKey).not.toBe(oldKey);
    expect(newKey.salt).not.toEqual(oldKey.salt);
    // A frame of epoch 1 no longer decrypts; one of epoch 17 does; epoch 2 is still retained.
    const error = await decryptFrame(ring, 'audio', oldFrame).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SFrameError);
    expect((error as SFrameError).code).toBe('auth-failed');
    expect(await decryptFrame(ring, 'audio', await frameFrom(PEER, 17n, 17))).toEqual(AUDIO);
    expect(await decryptFrame(ring, 'audio', await frameFrom(PEER, 2n, 2))).toEqual(AUDIO);
  });

  it("uses the new epoch's members when an epoch's bits are reused", async () => {
    const ring = new MediaKeyRing();
    await ring.setEpoch(1n, secret(1), ME, members(ME, PEER));
    expect(ring.keyFor(makeKid(PEER, 1n))).toBeDefined();
    await ring.setEpoch(17n, secret(17), ME, members(ME, OUTSIDER));
    expect(ring.keyFor(makeKid(PEER, 17n))).toBeUndefined();
    expect(ring.keyFor(makeKid(OUTSIDER, 17n))).toBeDefined();
  });
});

describe('MediaKeyRing.clear', () => {
  it('forgets every epoch and key, and the sender', async () => {
    const { ring, clock } = clockedRing();
    const first = secret(1);
    const second = secret(2);
    await ring.setEpoch(3n, first, ME, MEMBERS);
    await resolved(ring.keyFor(makeKid(PEER, 3n)));
    clock.now += 10;
    await ring.setEpoch(4n, second, ME, MEMBERS);
    expect(ring.keyFor(makeKid(PEER, 3n))).toBeDefined();

    ring.clear();
    expect(ring.sender).toBeNull();
    expect(ring.currentEpoch).toBeNull();
    for (const epoch of [3n, 4n]) for (const leaf of [ME, PEER]) expect(ring.keyFor(makeKid(leaf, epoch))).toBeUndefined();
    expect(await encryptFrame(ring, 'audio', AUDIO)).toBeNull();
    // The epoch secrets it held are wiped.
    expect(first.every((byte) => byte === 0)).toBe(true);
    expect(second.every((byte) => byte === 0)).toBe(true);
  });

  it('can take a new epoch afterwards', async () => {
    const ring = new MediaKeyRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    ring.clear();
    await ring.setEpoch(8n, secret(8), ME, MEMBERS);
    expect(ring.sender?.kid).toBe(makeKid(ME, 8n));
    expect(ring.currentEpoch).toBe(8n);
    expect(await decryptFrame(ring, 'audio', await frameFrom(PEER, 8n, 8))).toEqual(AUDIO);
  });
});

describe('MediaKeyRing: late derivations', () => {
  it('clear() during a pending setEpoch leaves no sender', async () => {
    const ring = new MediaKeyRing();
    const pending = ring.setEpoch(1n, crypto.getRandomValues(new Uint8Array(16)), 2, members(2));
    ring.clear();
    await pending;
    expect(ring.sender).toBeNull();
  });

  it('overlapping setEpoch calls leave the sender on the newest epoch', async () => {
    const ring = new MediaKeyRing();
    const first = ring.setEpoch(1n, crypto.getRandomValues(new Uint8Array(16)), 2, members(2));
    const second = ring.setEpoch(2n, crypto.getRandomValues(new Uint8Array(16)), 2, members(2));
    await Promise.all([second, first]);
    expect(ring.sender?.kid).toBe(makeKid(2, 2n));
  });
});

describe('MediaKeyRing.senderOf', () => {
  it("names the member of each KID's leaf in that epoch", async () => {
    const ring = new MediaKeyRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    expect(ring.senderOf(makeKid(PEER, 3n))).toBe('member-5');
    expect(ring.senderOf(makeKid(ME, 3n))).toBe('member-2');
  });

  it('is undefined for a leaf not in the epoch, an unknown epoch, or a KID off the wire', async () => {
    const ring = new MediaKeyRing();
    expect(ring.senderOf(makeKid(PEER, 3n))).toBeUndefined();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    expect(ring.senderOf(makeKid(OUTSIDER, 3n))).toBeUndefined();
    expect(ring.senderOf(makeKid(PEER, 4n))).toBeUndefined();
    expect(ring.senderOf((1n << 64n) - 1n)).toBeUndefined();
  });

  it("follows each epoch's members: a leaf can be someone else in another epoch", async () => {
    const { ring, clock } = clockedRing();
    await ring.setEpoch(3n, secret(1), ME, [
      { leafIndex: ME, identity: 'me' },
      { leafIndex: PEER, identity: 'alice' },
    ]);
    // Alice left, Bob took her leaf.
    await ring.setEpoch(4n, secret(2), ME, [
      { leafIndex: ME, identity: 'me' },
      { leafIndex: PEER, identity: 'bob' },
    ]);
    expect(ring.senderOf(makeKid(PEER, 3n))).toBe('alice');
    expect(ring.senderOf(makeKid(PEER, 4n))).toBe('bob');
    clock.now += RETAIN_PREVIOUS_EPOCH_MS + 1;
    expect(ring.senderOf(makeKid(PEER, 3n))).toBeUndefined();
    expect(ring.senderOf(makeKid(PEER, 4n))).toBe('bob');
  });

  it('forgets every identity on clear', async () => {
    const ring = new MediaKeyRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    ring.clear();
    expect(ring.senderOf(makeKid(PEER, 3n))).toBeUndefined();
  });
});

describe('MediaKeyRing.replayWindow', () => {
  it('keeps one window per KID, next to its key', async () => {
    const ring = new MediaKeyRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    const window = ring.replayWindow(makeKid(PEER, 3n));
    expect(window).toBeDefined();
    expect(ring.replayWindow(makeKid(PEER, 3n))).toBe(window);
    expect(ring.replayWindow(makeKid(ME, 3n))).not.toBe(window);
    expect(ring.replayWindow(makeKid(OUTSIDER, 3n))).toBeUndefined();
  });

  it('drops the windows with their epoch', async () => {
    const { ring, clock } = clockedRing();
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    ring.replayWindow(makeKid(PEER, 3n))?.commit(0n);
    await ring.setEpoch(4n, secret(2), ME, MEMBERS);
    expect(ring.replayWindow(makeKid(PEER, 3n))?.check(0n)).toBe(false);
    clock.now += RETAIN_PREVIOUS_EPOCH_MS + 1;
    expect(ring.replayWindow(makeKid(PEER, 3n))).toBeUndefined();
  });

  it('starts a fresh window when new keys reuse the epoch bits (their senders count from 0)', async () => {
    const ring = new MediaKeyRing();
    await ring.setEpoch(1n, secret(1), ME, MEMBERS);
    expect(await decryptFrame(ring, 'audio', await frameFrom(PEER, 1n, 1))).toEqual(AUDIO);
    await ring.setEpoch(17n, secret(17), ME, MEMBERS);
    expect(await decryptFrame(ring, 'audio', await frameFrom(PEER, 17n, 17))).toEqual(AUDIO);
  });

  it('starts a fresh window for the same epoch number under a new secret (a new group)', async () => {
    const ring = new MediaKeyRing();
    await ring.setEpoch(1n, secret(1), ME, MEMBERS);
    expect(await decryptFrame(ring, 'audio', await frameFrom(PEER, 1n, 1))).toEqual(AUDIO);
    await ring.setEpoch(1n, secret(9), ME, MEMBERS);
    expect(await decryptFrame(ring, 'audio', await frameFrom(PEER, 1n, 9))).toEqual(AUDIO);
  });

  it('keeps the window when the same epoch is delivered again, so its frames stay refused', async () => {
    const ring = new MediaKeyRing();
    const first = secret(1);
    await ring.setEpoch(3n, first, ME, MEMBERS);
    const seen = await frameFrom(PEER, 3n, 1);
    expect(await decryptFrame(ring, 'audio', seen)).toEqual(AUDIO);
    await ring.setEpoch(3n, secret(1), ME, MEMBERS);
    await expect(decryptFrame(ring, 'audio', seen)).rejects.toMatchObject({ code: 'replayed' });
    // The copy of the secret it no longer needs is wiped.
    expect(first.every((byte) => byte === 0)).toBe(true);
  });
});
