import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FrameKind } from '../src/e2ee/frame-crypto.ts';
import { clearPrefixLength, decryptFrame, encryptFrame, frameKid } from '../src/e2ee/frame-crypto.ts';
import { MediaKeyRing } from '../src/e2ee/media-key-ring.ts';
import { makeKid } from '../src/e2ee/mls-sframe-keys.ts';
import { encodeSFrameHeader, SFrameError, sframeEncrypt } from '../src/e2ee/sframe.ts';

const EPOCH = 5n;
const ALICE = 0;
const BOB = 3;

/** A fresh copy each time: the ring wipes its secret when it forgets an epoch. */
const secret = (fill: number) => new Uint8Array(16).fill(fill);

/** Each leaf's member id. */
const identity = (leaf: number) => `member-${leaf}`;

/** A ring for `ownLeaf` in EPOCH, whose members are `leaves` (ALICE and BOB unless told). */
async function ring(ownLeaf: number, fill = 0x42, leaves: readonly number[] = [ALICE, BOB]): Promise<MediaKeyRing> {
  const keys = new MediaKeyRing();
  await keys.setEpoch(
    EPOCH,
    secret(fill),
    ownLeaf,
    leaves.map((leafIndex) => ({ leafIndex, identity: identity(leafIndex) })),
  );
  return keys;
}

/** Deterministic bytes, with byte 0 forced to `first`. */
function frame(length: number, first: number): Uint8Array {
  const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 0xff);
  if (length > 0) bytes[0] = first;
  return bytes;
}

afterEach(() => {
  vi.restoreAllMocks();
});

const KEY_FRAME = 0x10; // bit 0 clear: VP8 key frame
const DELTA_FRAME = 0x11; // bit 0 set: VP8 delta frame

async function sealed(kind: FrameKind, plain: Uint8Array, sender?: MediaKeyRing): Promise<Uint8Array> {
  const out = await encryptFrame(sender ?? (await ring(ALICE)), kind, plain);
  if (!out) throw new Error('expected a protected frame');
  return out;
}

async function expectSFrameError(promise: Promise<unknown>, code?: SFrameError['code']): Promise<SFrameError> {
  const error = await promise.then(
    () => {
      throw new Error('expected an SFrameError, got a frame');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SFrameError);
  if (code) expect((error as SFrameError).code).toBe(code);
  return error as SFrameError;
}

describe('clearPrefixLength', () => {
  it('keeps 10 bytes of a VP8 key frame (bit 0 of byte 0 clear)', () => {
    expect(clearPrefixLength('video', frame(100, 0x00))).toBe(10);
    expect(clearPrefixLength('video', frame(100, KEY_FRAME))).toBe(10);
    expect(clearPrefixLength('video', frame(100, 0xfe))).toBe(10);
  });

  it('keeps 3 bytes of a VP8 delta frame (bit 0 of byte 0 set)', () => {
    expect(clearPrefixLength('video', frame(100, 0x01))).toBe(3);
    expect(clearPrefixLength('video', frame(100, DELTA_FRAME))).toBe(3);
    expect(clearPrefixLength('video', frame(100, 0xff))).toBe(3);
  });

  it('depends only on the first byte, so sender and receiver agree whatever the length', () => {
    expect(clearPrefixLength('video', frame(10, KEY_FRAME))).toBe(10);
    expect(clearPrefixLength('video', frame(9, KEY_FRAME))).toBe(10);
    expect(clearPrefixLength('video', frame(3, DELTA_FRAME))).toBe(3);
    expect(clearPrefixLength('video', frame(1, DELTA_FRAME))).toBe(3);
  });

  it('is 0 for an empty frame', () => {
    expect(clearPrefixLength('video', new Uint8Array(0))).toBe(0);
    expect(clearPrefixLength('audio', new Uint8Array(0))).toBe(0);
  });

  it('keeps the 1-byte Opus TOC of audio, whatever byte 0 is', () => {
    expect(clearPrefixLength('audio', frame(1, 0x00))).toBe(1);
    expect(clearPrefixLength('audio', frame(160, 0x00))).toBe(1);
    expect(clearPrefixLength('audio', frame(160, 0x01))).toBe(1);
    expect(clearPrefixLength('audio', frame(160, 0xfc))).toBe(1);
  });
});

describe('encryptFrame / decryptFrame', () => {
  const cases: ReadonlyArray<readonly [string, FrameKind, Uint8Array, number]> = [
    ['audio', 'audio', frame(160, 0x78), 1],
    ['a VP8 key frame', 'video', frame(1200, KEY_FRAME), 10],
    ['a VP8 delta frame', 'video', frame(400, DELTA_FRAME), 3],
  ];

  for (const [name, kind, plain, prefix] of cases) {
    it(`round-trips ${name} between two members of the epoch, prefix in the clear`, async () => {
      const alice = await ring(ALICE);
      const bob = await ring(BOB);
      const original = plain.slice();

      const protectedFrame = await sealed(kind, plain, alice);
      expect(plain).toEqual(original); // the input is not touched
      // The clear prefix is byte-identical, the rest is no longer the plaintext.
      expect(protectedFrame.subarray(0, prefix)).toEqual(plain.subarray(0, prefix));
      expect(protectedFrame.subarray(prefix, plain.length)).not.toEqual(plain.subarray(prefix));
      // SFrame header (≥ 1 byte) and a 16-byte tag are added.
      expect(protectedFrame.length).toBeGreaterThanOrEqual(plain.length + 1 + 16);
      expect(clearPrefixLength(kind, protectedFrame)).toBe(prefix);

      expect(await decryptFrame(bob, kind, protectedFrame)).toEqual(plain);
      // And the other way round.
      expect(await decryptFrame(alice, kind, await sealed(kind, plain, bob))).toEqual(plain);
    });
  }

  it('does not leave the payload readable anywhere after the prefix', async () => {
    const plain = frame(64, KEY_FRAME);
    const protectedFrame = await sealed('video', plain);
    const body = Buffer.from(protectedFrame.subarray(10));
    // No 8-byte run of the encrypted part of the plaintext shows up in the output.
    for (let i = 10; i + 8 <= plain.length; i++) expect(body.indexOf(plain.subarray(i, i + 8))).toBe(-1);
  });

  it('encrypts the same frame differently each time (fresh CTR)', async () => {
    const alice = await ring(ALICE);
    const plain = frame(100, DELTA_FRAME);
    const first = await sealed('video', plain, alice);
    const second = await sealed('video', plain, alice);
    expect(first).not.toEqual(second);
    const bob = await ring(BOB);
    expect(await decryptFrame(bob, 'video', first)).toEqual(plain);
    expect(await decryptFrame(bob, 'video', second)).toEqual(plain);
  });

  it('returns null (drop the frame) while there is no key yet', async () => {
    const empty = new MediaKeyRing();
    expect(empty.sender).toBeNull();
    expect(await encryptFrame(empty, 'audio', frame(160, 0x78))).toBeNull();
    expect(await encryptFrame(empty, 'video', frame(1200, KEY_FRAME))).toBeNull();
    expect(await encryptFrame(empty, 'video', frame(400, DELTA_FRAME))).toBeNull();
  });

  it('returns null for an empty frame', async () => {
    expect(await encryptFrame(await ring(ALICE), 'audio', new Uint8Array(0))).toBeNull();
    expect(await encryptFrame(await ring(ALICE), 'video', new Uint8Array(0))).toBeNull();
  });

  it("fails with 'auth-failed' under another epoch secret", async () => {
    const stranger = await ring(BOB, 0x99);
    for (const [kind, plain] of [
      ['audio', frame(160, 0x78)],
      ['video', frame(1200, KEY_FRAME)],
      ['video', frame(400, DELTA_FRAME)],
    ] as const) {
      await expectSFrameError(decryptFrame(stranger, kind, await sealed(kind, plain)), 'auth-failed');
    }
  });

  it("fails with 'unknown-key' when the epoch does not have the sender's leaf", async () => {
    const bobAlone = await ring(BOB, 0x42, [BOB]);
    await expectSFrameError(decryptFrame(bobAlone, 'audio', await sealed('audio', frame(160, 0x78))), 'unknown-key');
    await expectSFrameError(decryptFrame(bobAlone, 'video', await sealed('video', frame(1200, KEY_FRAME))), 'unknown-key');
  });

  it("fails with 'unknown-key' when the receiver has no keys at all", async () => {
    const empty = new MediaKeyRing();
    await expectSFrameError(decryptFrame(empty, 'audio', await sealed('audio', frame(160, 0x78))), 'unknown-key');
  });

  it('rejects a clear (never encrypted) frame instead of returning it', async () => {
    const bob = await ring(BOB);
    const clearFrames: ReadonlyArray<readonly [FrameKind, Uint8Array]> = [
      ['audio', frame(160, 0x78)],
      ['audio', frame(1, 0x78)],
      ['video', frame(1200, KEY_FRAME)],
      ['video', frame(400, DELTA_FRAME)],
      ['video', frame(10, KEY_FRAME)],
      ['video', frame(3, DELTA_FRAME)],
      ['video', new Uint8Array(0)],
      ['audio', new Uint8Array(0)],
      // A clear frame whose byte after the prefix looks like the header of a KID Bob knows.
      ['audio', Uint8Array.from([0x78, ...encodeSFrameHeader(makeKid(ALICE, EPOCH), 0n), ...frame(40, 0)])],
      ['video', new Uint8Array(400).fill(0)],
      ['video', new Uint8Array(400).fill(0xff)],
    ];
    for (const [kind, data] of clearFrames) await expectSFrameError(decryptFrame(bob, kind, data));
  });

  it("fails with 'auth-failed' when a clear prefix byte is altered", async () => {
    const bob = await ring(BOB);
    const cases: ReadonlyArray<readonly [FrameKind, Uint8Array, number]> = [
      ['audio', frame(160, 0x78), 0],
      ['video', frame(1200, KEY_FRAME), 1],
      ['video', frame(1200, KEY_FRAME), 6], // width
      ['video', frame(1200, KEY_FRAME), 9], // height
      ['video', frame(400, DELTA_FRAME), 2],
    ];
    for (const [kind, plain, index] of cases) {
      const tampered = (await sealed(kind, plain)).slice();
      tampered[index] = (tampered[index] as number) ^ 0x40;
      await expectSFrameError(decryptFrame(bob, kind, tampered), 'auth-failed');
    }
  });

  it("fails with 'auth-failed' when a ciphertext or tag byte is altered", async () => {
    const bob = await ring(BOB);
    const protectedFrame = await sealed('video', frame(400, DELTA_FRAME));
    for (const index of [protectedFrame.length - 1, protectedFrame.length - 20, 10]) {
      const tampered = protectedFrame.slice();
      tampered[index] = (tampered[index] as number) ^ 0x01;
      await expectSFrameError(decryptFrame(bob, 'video', tampered), 'auth-failed');
    }
  });
});

describe('frameKid', () => {
  it("returns the sender's KID (leaf index + epoch bits)", async () => {
    const alice = await ring(ALICE);
    const bob = await ring(BOB);
    expect(frameKid('audio', await sealed('audio', frame(160, 0x78), alice))).toBe(makeKid(ALICE, EPOCH));
    expect(frameKid('video', await sealed('video', frame(1200, KEY_FRAME), bob))).toBe(makeKid(BOB, EPOCH));
    expect(frameKid('video', await sealed('video', frame(400, DELTA_FRAME), bob))).toBe(makeKid(BOB, EPOCH));
    expect(makeKid(BOB, EPOCH)).toBe(bob.sender?.kid);
  });

  it('returns null for data with no SFrame header after the prefix', () => {
    expect(frameKid('audio', new Uint8Array(0))).toBeNull();
    expect(frameKid('audio', Uint8Array.of(0x78))).toBeNull();
    expect(frameKid('video', frame(10, KEY_FRAME))).toBeNull();
    expect(frameKid('video', frame(3, DELTA_FRAME))).toBeNull();
  });
});

describe('frames too short to carry their clear prefix', () => {
  it('are not encrypted (real VP8 frames are never that short)', async () => {
    const secret = crypto.getRandomValues(new Uint8Array(16));
    const ring = new MediaKeyRing();
    await ring.setEpoch(1n, secret, 0, [{ leafIndex: 0, identity: 'member-0' }]);
    expect(await encryptFrame(ring, 'video', new Uint8Array([0, 1, 2, 3, 4]))).toBeNull();
    expect(await encryptFrame(ring, 'video', new Uint8Array([1, 2]))).toBeNull();
    expect(await encryptFrame(ring, 'video', new Uint8Array([1, 2, 3]))).not.toBeNull();
  });
});

describe('decryptFrame: whose frame, and only once', () => {
  const audio = () => frame(160, 0x78);

  /** Alice's audio frame with counter `ctr`, sealed under her key of EPOCH. */
  async function aliceFrameAt(ctr: bigint): Promise<Uint8Array> {
    const key = await (await ring(ALICE)).keyFor(makeKid(ALICE, EPOCH));
    if (!key) throw new Error('expected a key');
    const plain = audio();
    const sealedPart = await sframeEncrypt(key, ctr, plain.subarray(0, 1), plain.subarray(1));
    return Uint8Array.from([...plain.subarray(0, 1), ...sealedPart]);
  }

  it("refuses a frame from another member than the receiver's, without deriving or decrypting", async () => {
    const alice = await ring(ALICE);
    const fromBob = await sealed('audio', audio(), await ring(BOB));
    const deriveKey = vi.spyOn(globalThis.crypto.subtle, 'deriveKey');
    const decrypt = vi.spyOn(globalThis.crypto.subtle, 'decrypt');
    // Alice's receiver bound to someone other than Bob (here herself, or another member id).
    await expectSFrameError(decryptFrame(alice, 'audio', fromBob, identity(ALICE)), 'wrong-sender');
    await expectSFrameError(decryptFrame(alice, 'audio', fromBob, 'someone-else'), 'wrong-sender');
    expect(deriveKey).not.toHaveBeenCalled();
    expect(decrypt).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    // Refusing it did not use up its counter: on the right receiver it decrypts.
    expect(await decryptFrame(alice, 'audio', fromBob, identity(BOB))).toEqual(audio());
  });

  it('accepts any member of the epoch when no sender is expected (bots)', async () => {
    const bob = await ring(BOB);
    expect(await decryptFrame(bob, 'audio', await sealed('audio', audio()))).toEqual(audio());
  });

  it("says 'unknown-key' rather than 'wrong-sender' for a KID nobody in the epoch has", async () => {
    const bobAlone = await ring(BOB, 0x42, [BOB]);
    await expectSFrameError(decryptFrame(bobAlone, 'audio', await sealed('audio', audio()), identity(BOB)), 'unknown-key');
  });

  it('refuses the same frame delivered a second time, on any receiver', async () => {
    const bob = await ring(BOB);
    const alice = await ring(ALICE);
    const first = await sealed('audio', audio(), alice);
    const second = await sealed('video', frame(400, DELTA_FRAME), alice);
    expect(await decryptFrame(bob, 'audio', first, identity(ALICE))).toEqual(audio());
    await expectSFrameError(decryptFrame(bob, 'audio', first, identity(ALICE)), 'replayed');
    await expectSFrameError(decryptFrame(bob, 'audio', first), 'replayed');
    // Audio and video share the sender's counter and its window.
    expect(await decryptFrame(bob, 'video', second, identity(ALICE))).toEqual(frame(400, DELTA_FRAME));
    await expectSFrameError(decryptFrame(bob, 'video', second), 'replayed');
  });

  it('lets only one of two copies decrypted at the same time through', async () => {
    const bob = await ring(BOB);
    const copy = await sealed('audio', audio());
    const results = await Promise.allSettled([decryptFrame(bob, 'audio', copy), decryptFrame(bob, 'audio', copy)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'replayed' });
  });

  it('does not let a forged frame burn the counter it claims', async () => {
    const bob = await ring(BOB);
    const genuine = await sealed('audio', audio());
    const forged = genuine.slice();
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 0x01;
    await expectSFrameError(decryptFrame(bob, 'audio', forged), 'auth-failed');
    await expectSFrameError(decryptFrame(bob, 'audio', forged), 'auth-failed');
    expect(await decryptFrame(bob, 'audio', genuine)).toEqual(audio());
  });

  it('refuses a frame older than the replay window', async () => {
    const bob = await ring(BOB);
    const old = await aliceFrameAt(10n);
    expect(await decryptFrame(bob, 'audio', await aliceFrameAt(10n + 4096n))).toEqual(audio());
    await expectSFrameError(decryptFrame(bob, 'audio', old), 'replayed');
    expect(await decryptFrame(bob, 'audio', await aliceFrameAt(11n))).toEqual(audio());
  });
});
