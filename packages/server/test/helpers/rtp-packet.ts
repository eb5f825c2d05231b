import { expect } from 'vitest';
import { RtpView } from '../../src/sfu/rtp/rtp-view.ts';

export interface PacketSpec {
  version?: number;
  marker?: boolean;
  payloadType?: number;
  sequence?: number;
  timestamp?: number;
  ssrc?: number;
  csrcs?: number[];
  /** Extension profile and its body (already padded to 32-bit words unless testing a broken one). */
  extension?: { profile: number; body: number[]; words?: number };
  payload?: number[];
  /** Number of padding bytes (the last one holds the count). */
  padding?: number;
}

/** Builds an RTP packet byte by byte (RFC 3550 §5.1), independently of the code under test. */
export function rtp(spec: PacketSpec = {}): Buffer {
  const csrcs = spec.csrcs ?? [];
  const bytes: number[] = [];
  const version = spec.version ?? 2;
  bytes.push((version << 6) | (spec.padding ? 0x20 : 0) | (spec.extension ? 0x10 : 0) | csrcs.length);
  bytes.push((spec.marker ? 0x80 : 0) | (spec.payloadType ?? 96));
  const seq = spec.sequence ?? 1000;
  bytes.push(seq >> 8, seq & 0xff);
  const u32 = (n: number) => bytes.push((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  u32(spec.timestamp ?? 123456);
  u32(spec.ssrc ?? 0x11223344);
  for (const c of csrcs) u32(c);
  if (spec.extension) {
    const { profile, body } = spec.extension;
    const words = spec.extension.words ?? Math.ceil(body.length / 4);
    bytes.push(profile >> 8, profile & 0xff, words >> 8, words & 0xff, ...body);
  }
  bytes.push(...(spec.payload ?? [0xaa, 0xbb, 0xcc]));
  if (spec.padding) {
    for (let i = 0; i < spec.padding - 1; i++) bytes.push(0);
    bytes.push(spec.padding);
  }
  return Buffer.from(bytes);
}

export function parsed(buffer: Buffer): RtpView {
  const view = new RtpView();
  expect(view.reset(buffer)).toBe(true);
  return view;
}
