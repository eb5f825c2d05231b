import { describe, expect, it } from 'vitest';
import type { ReportBlock } from '../src/sfu/rtp/rtcp.ts';
import {
  buildNack,
  buildPli,
  buildReceiverReport,
  parseRtcp,
  RTCP_PSFB,
  RTCP_RR,
  RTCP_RTPFB,
  RTCP_SR,
  rewriteSenderReport,
} from '../src/sfu/rtp/rtcp.ts';

/** Big-endian byte writers, so fixtures do not depend on the code under test. */
function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}
function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** One RTCP packet: common header (V=2, count/fmt, PT, length in words - 1) + body. */
function rtcpPacket(countOrFmt: number, pt: number, body: number[]): number[] {
  if (body.length % 4 !== 0) throw new Error('RTCP body must be 32-bit aligned');
  return [0x80 | countOrFmt, pt, ...u16((4 + body.length) / 4 - 1), ...body];
}

function reportBlockBytes(ssrc: number): number[] {
  return [...u32(ssrc), 0x10, 0, 0, 3, ...u32(0x0001ffff), ...u32(44), ...u32(0x12345678), ...u32(0x10000)];
}

interface SrFields {
  ssrc: number;
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packets?: number;
  octets?: number;
  blocks?: number[];
}

function senderReport(f: SrFields): number[] {
  const blocks = f.blocks ?? [];
  return rtcpPacket(blocks.length, RTCP_SR, [
    ...u32(f.ssrc),
    ...u32(f.ntpSeconds),
    ...u32(f.ntpFraction),
    ...u32(f.rtpTimestamp),
    ...u32(f.packets ?? 1000),
    ...u32(f.octets ?? 123456),
    ...blocks.flatMap(reportBlockBytes),
  ]);
}

function sdes(ssrc: number): number[] {
  // One chunk: SSRC, CNAME item "abcd" (type 1, len 4), end item, padded to a word.
  return rtcpPacket(1, 202, [...u32(ssrc), 1, 4, 0x61, 0x62, 0x63, 0x64, 0, 0]);
}

function pli(sender: number, media: number): number[] {
  return rtcpPacket(1, RTCP_PSFB, [...u32(sender), ...u32(media)]);
}

function fir(sender: number, target: number, seqNr: number): number[] {
  return rtcpPacket(4, RTCP_PSFB, [...u32(sender), ...u32(0), ...u32(target), seqNr, 0, 0, 0]);
}

function nack(sender: number, media: number, items: Array<[number, number]>): number[] {
  return rtcpPacket(1, RTCP_RTPFB, [...u32(sender), ...u32(media), ...items.flatMap(([pid, blp]) => [...u16(pid), ...u16(blp)])]);
}

describe('parseRtcp', () => {
  it('parses a sender report with its offset', () => {
    const packet = Buffer.from(
      senderReport({ ssrc: 0xaabbccdd, ntpSeconds: 0xe1234567, ntpFraction: 0x80000001, rtpTimestamp: 0xfffffff0 }),
    );
    expect(parseRtcp(packet)).toEqual([
      { type: 'sr', ssrc: 0xaabbccdd, ntpSeconds: 0xe1234567, ntpFraction: 0x80000001, rtpTimestamp: 0xfffffff0, offset: 0 },
    ]);
  });

  it('parses a compound packet: RR + SR (with report blocks) + SDES + PLI', () => {
    const rr = rtcpPacket(1, RTCP_RR, [...u32(1), ...reportBlockBytes(2)]);
    const sr = senderReport({ ssrc: 5, ntpSeconds: 6, ntpFraction: 7, rtpTimestamp: 8, blocks: [9, 10] });
    const packet = Buffer.from([...rr, ...sr, ...sdes(5), ...pli(5, 0x01020304)]);
    expect(rr.length).toBe(32);
    expect(sr.length).toBe(28 + 48);
    expect(parseRtcp(packet)).toEqual([
      { type: 'sr', ssrc: 5, ntpSeconds: 6, ntpFraction: 7, rtpTimestamp: 8, offset: 32 },
      { type: 'pli', mediaSsrc: 0x01020304 },
    ]);
  });

  it('parses a PLI', () => {
    expect(parseRtcp(Buffer.from(pli(1, 0xfedcba98)))).toEqual([{ type: 'pli', mediaSsrc: 0xfedcba98 }]);
  });

  it('parses a FIR using the SSRC in its FCI', () => {
    expect(parseRtcp(Buffer.from(fir(1, 0x0a0b0c0d, 3)))).toEqual([{ type: 'fir', mediaSsrc: 0x0a0b0c0d }]);
  });

  it('ignores a FIR without an FCI entry', () => {
    const packet = Buffer.from(rtcpPacket(4, RTCP_PSFB, [...u32(1), ...u32(0)]));
    expect(parseRtcp(packet)).toEqual([]);
  });

  it('expands the NACK BLP bitmask', () => {
    // PID 100, BLP bits 0, 2 and 15 => 101, 103, 116.
    const packet = Buffer.from(nack(1, 2, [[100, 0b1000_0000_0000_0101]]));
    expect(parseRtcp(packet)).toEqual([{ type: 'nack', mediaSsrc: 2, sequences: [100, 101, 103, 116] }]);
  });

  it('expands a full BLP to 17 sequences', () => {
    const [item] = parseRtcp(Buffer.from(nack(1, 2, [[1000, 0xffff]])));
    expect(item).toEqual({ type: 'nack', mediaSsrc: 2, sequences: Array.from({ length: 17 }, (_, i) => 1000 + i) });
  });

  it('expands several NACK items and wraps at 65535', () => {
    const packet = Buffer.from(
      nack(1, 0x99, [
        [65534, 0b11],
        [10, 0],
      ]),
    );
    expect(parseRtcp(packet)).toEqual([{ type: 'nack', mediaSsrc: 0x99, sequences: [65534, 65535, 0, 10] }]);
  });

  it('skips unknown and unused packet types but keeps going, and points at transport-cc feedback', () => {
    const bye = rtcpPacket(1, 203, u32(7));
    const app = rtcpPacket(0, 204, [...u32(7), 0x41, 0x42, 0x43, 0x44]);
    const remb = rtcpPacket(15, RTCP_PSFB, [...u32(1), ...u32(0), 0x52, 0x45, 0x4d, 0x42, 1, 0, 0, 0, ...u32(9)]);
    const twcc = rtcpPacket(15, RTCP_RTPFB, [...u32(1), ...u32(2), 0, 1, 0, 1, 0, 0, 0, 0]);
    const rr = rtcpPacket(0, RTCP_RR, u32(1));
    const xr = rtcpPacket(0, 207, [...u32(1)]);
    const packet = Buffer.from([...bye, ...app, ...remb, ...twcc, ...rr, ...xr, ...pli(3, 4)]);
    expect(parseRtcp(packet)).toEqual([
      { type: 'transport-cc', offset: bye.length + app.length + remb.length },
      { type: 'pli', mediaSsrc: 4 },
    ]);
  });

  it('skips an SR shorter than 28 bytes but continues', () => {
    const shortSr = rtcpPacket(0, RTCP_SR, [...u32(1), ...u32(2), ...u32(3), ...u32(4), ...u32(5)]);
    expect(shortSr.length).toBe(24);
    expect(parseRtcp(Buffer.from([...shortSr, ...pli(1, 2)]))).toEqual([{ type: 'pli', mediaSsrc: 2 }]);
  });

  it('skips a NACK without FCI entries', () => {
    expect(parseRtcp(Buffer.from([...nack(1, 2, []), ...pli(1, 5)]))).toEqual([{ type: 'pli', mediaSsrc: 5 }]);
  });

  it('returns nothing for empty or tiny buffers', () => {
    expect(parseRtcp(Buffer.alloc(0))).toEqual([]);
    expect(parseRtcp(Buffer.from([0x81, 206, 0]))).toEqual([]);
  });

  it('stops at a packet whose length runs past the end, keeping earlier items', () => {
    const truncated = pli(1, 9).slice(0, 10);
    expect(parseRtcp(Buffer.from([...pli(1, 2), ...truncated]))).toEqual([{ type: 'pli', mediaSsrc: 2 }]);
  });

  it('does not throw on any truncation of a compound packet', () => {
    const full = Buffer.from([
      ...senderReport({ ssrc: 1, ntpSeconds: 2, ntpFraction: 3, rtpTimestamp: 4, blocks: [5] }),
      ...nack(1, 2, [[7, 3]]),
      ...fir(1, 2, 0),
      ...pli(1, 2),
    ]);
    for (let length = 0; length <= full.length; length++) {
      expect(() => parseRtcp(full.subarray(0, length))).not.toThrow();
    }
    expect(parseRtcp(full)).toHaveLength(4);
  });

  it('does not throw when the length field is corrupted', () => {
    const packet = Buffer.from(pli(1, 2));
    packet.writeUInt16BE(0xffff, 2);
    expect(parseRtcp(packet)).toEqual([]);
    packet.writeUInt16BE(0, 2); // 4-byte packet: header only
    expect(() => parseRtcp(packet)).not.toThrow();
  });

  it('stops at a wrong version', () => {
    const bad = pli(1, 2);
    bad[0] = 0x41;
    expect(parseRtcp(Buffer.from([...bad, ...pli(1, 3)]))).toEqual([]);
    expect(parseRtcp(Buffer.from([...pli(1, 3), ...bad]))).toEqual([{ type: 'pli', mediaSsrc: 3 }]);
  });
});

describe('buildPli', () => {
  it('builds a 12-byte PSFB FMT=1 packet', () => {
    const packet = buildPli(0x50770001, 0xdeadbeef);
    expect([...packet]).toEqual([0x81, 206, 0, 2, ...u32(0x50770001), ...u32(0xdeadbeef)]);
  });

  it('round-trips through parseRtcp', () => {
    expect(parseRtcp(buildPli(1, 0xffffffff))).toEqual([{ type: 'pli', mediaSsrc: 0xffffffff }]);
  });

  it('accepts SSRCs given as negative int32 values', () => {
    const packet = buildPli(-1, -2);
    expect(packet.readUInt32BE(4)).toBe(0xffffffff);
    expect(packet.readUInt32BE(8)).toBe(0xfffffffe);
  });
});

describe('buildNack', () => {
  function sequencesOf(packet: Buffer): number[] {
    const [item, ...rest] = parseRtcp(packet);
    expect(rest).toEqual([]);
    if (item?.type !== 'nack') throw new Error(`expected a nack, got ${JSON.stringify(item)}`);
    return item.sequences;
  }

  it('builds the header and a single FCI', () => {
    const packet = buildNack(0x01020304, 0x05060708, [42]);
    expect([...packet]).toEqual([0x81, 205, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 0, 42, 0, 0]);
  });

  it('merges the following 16 sequences into the BLP', () => {
    const lost = Array.from({ length: 17 }, (_, i) => 100 + i);
    const packet = buildNack(1, 2, lost);
    expect(packet.length).toBe(16);
    expect(packet.readUInt16BE(12)).toBe(100);
    expect(packet.readUInt16BE(14)).toBe(0xffff);
    expect(sequencesOf(packet)).toEqual(lost);
  });

  it('starts a new FCI after 16 following sequences', () => {
    const lost = Array.from({ length: 18 }, (_, i) => 100 + i);
    const packet = buildNack(1, 2, lost);
    expect(packet.length).toBe(20);
    expect(packet.readUInt16BE(2)).toBe(4);
    expect(packet.readUInt16BE(16)).toBe(117);
    expect(packet.readUInt16BE(18)).toBe(0);
    expect(sequencesOf(packet)).toEqual(lost);
  });

  it('sets only the bits of the lost sequences', () => {
    const packet = buildNack(1, 2, [500, 502, 505, 516]);
    expect(packet.readUInt16BE(12)).toBe(500);
    expect(packet.readUInt16BE(14)).toBe((1 << 1) | (1 << 4) | (1 << 15));
    expect(sequencesOf(packet)).toEqual([500, 502, 505, 516]);
  });

  it('merges across the wrap-around from 65535 to 0', () => {
    const lost = [65533, 65535, 0, 2];
    const packet = buildNack(1, 2, lost);
    expect(packet.length).toBe(16);
    expect(packet.readUInt16BE(12)).toBe(65533);
    expect(packet.readUInt16BE(14)).toBe((1 << 1) | (1 << 2) | (1 << 4));
    expect(sequencesOf(packet)).toEqual(lost);
  });

  it('round-trips widely spread sequences', () => {
    const lost = [1, 40000, 40001, 65535, 3];
    expect(sequencesOf(buildNack(1, 2, lost))).toEqual(lost);
  });

  it('keeps the media SSRC', () => {
    const [item] = parseRtcp(buildNack(7, 0xabcdef12, [1]));
    expect(item).toMatchObject({ type: 'nack', mediaSsrc: 0xabcdef12 });
  });
});

describe('buildReceiverReport (RFC 3550 §6.4.2)', () => {
  const block: ReportBlock = {
    ssrc: 0xa1b2c3d4,
    fractionLost: 51,
    cumulativeLost: 0x012345,
    extendedHighestSequence: 0x0001fffe,
    jitter: 1234,
    lastSr: 0x56789abc,
    delaySinceLastSr: 32768,
  };

  it('writes the header and one report block byte for byte', () => {
    const packet = buildReceiverReport(0x50770001, [block]);
    expect([...packet]).toEqual([
      0x81, // V=2, P=0, RC=1
      201,
      0,
      7, // (8 + 24) / 4 - 1
      ...u32(0x50770001),
      ...u32(0xa1b2c3d4),
      51,
      0x01,
      0x23,
      0x45,
      ...u32(0x0001fffe),
      ...u32(1234),
      ...u32(0x56789abc),
      ...u32(32768),
    ]);
  });

  it('writes an empty RR with length 1', () => {
    expect([...buildReceiverReport(7, [])]).toEqual([0x80, 201, 0, 1, 0, 0, 0, 7]);
  });

  it('writes several blocks with the matching count and length', () => {
    const blocks = [block, { ...block, ssrc: 2 }, { ...block, ssrc: 3 }];
    const packet = buildReceiverReport(1, blocks);
    expect(packet.length).toBe(8 + 3 * 24);
    expect(packet[0]).toBe(0x83);
    expect(packet.readUInt16BE(2)).toBe(1 + 3 * 6);
    expect(packet.readUInt32BE(8 + 24)).toBe(2);
    expect(packet.readUInt32BE(8 + 48)).toBe(3);
  });

  it('caps the number of blocks at 31', () => {
    const blocks = Array.from({ length: 40 }, (_, i) => ({ ...block, ssrc: i + 1 }));
    const packet = buildReceiverReport(1, blocks);
    expect(packet[0]! & 0x1f).toBe(31);
    expect(packet.length).toBe(8 + 31 * 24);
    expect((packet.readUInt16BE(2) + 1) * 4).toBe(packet.length);
  });

  it('encodes a negative cumulative loss as 24-bit two’s complement', () => {
    const packet = buildReceiverReport(1, [{ ...block, cumulativeLost: -1 }]);
    expect([...packet.subarray(13, 16)]).toEqual([0xff, 0xff, 0xff]);
    const packet2 = buildReceiverReport(1, [{ ...block, cumulativeLost: -2 }]);
    expect(packet2.readIntBE(13, 3)).toBe(-2);
  });

  it('clamps the cumulative loss to the 24-bit signed range', () => {
    expect(buildReceiverReport(1, [{ ...block, cumulativeLost: 0x1000000 }]).readIntBE(13, 3)).toBe(0x7fffff);
    expect(buildReceiverReport(1, [{ ...block, cumulativeLost: -0x1000000 }]).readIntBE(13, 3)).toBe(-0x800000);
  });

  it('keeps the fraction lost to one byte', () => {
    expect(buildReceiverReport(1, [{ ...block, fractionLost: 255 }])[12]).toBe(255);
    expect(buildReceiverReport(1, [{ ...block, fractionLost: 0 }])[12]).toBe(0);
  });

  it('is skipped by parseRtcp as a whole, letting following feedback through', () => {
    const packet = Buffer.concat([buildReceiverReport(1, [block]), buildPli(1, 2)]);
    expect(parseRtcp(packet)).toEqual([{ type: 'pli', mediaSsrc: 2 }]);
  });
});

describe('rewriteSenderReport', () => {
  const srFields = {
    ssrc: 0x11111111,
    ntpSeconds: 0xe0000001,
    ntpFraction: 0x40000000,
    rtpTimestamp: 1000,
    packets: 321,
    octets: 654321,
    blocks: [0x22222222, 0x33333333],
  };

  it('re-addresses an SR inside a compound packet and drops its report blocks', () => {
    const rr = rtcpPacket(0, RTCP_RR, u32(9));
    const packet = Buffer.from([...rr, ...senderReport(srFields), ...sdes(0x11111111)]);
    const before = Buffer.from(packet);
    const [sr] = parseRtcp(packet);
    if (sr?.type !== 'sr') throw new Error('expected an SR');
    expect(sr.offset).toBe(8);

    const out = rewriteSenderReport(packet, sr.offset, 0x44444444, 500);
    expect(out.length).toBe(28);
    expect(out[0]).toBe(0x80); // RC=0
    expect(out[1]).toBe(RTCP_SR);
    expect(out.readUInt16BE(2)).toBe(6);
    expect(out.readUInt32BE(4)).toBe(0x44444444);
    expect(out.readUInt32BE(8)).toBe(0xe0000001);
    expect(out.readUInt32BE(12)).toBe(0x40000000);
    expect(out.readUInt32BE(16)).toBe(1500);
    expect(out.readUInt32BE(20)).toBe(321);
    expect(out.readUInt32BE(24)).toBe(654321);
    expect(packet.equals(before)).toBe(true);

    expect(parseRtcp(out)).toEqual([
      { type: 'sr', ssrc: 0x44444444, ntpSeconds: 0xe0000001, ntpFraction: 0x40000000, rtpTimestamp: 1500, offset: 0 },
    ]);
  });

  it('wraps the shifted timestamp at 32 bits', () => {
    const packet = Buffer.from(senderReport({ ...srFields, rtpTimestamp: 0xfffffff0 }));
    expect(rewriteSenderReport(packet, 0, 1, 0x20).readUInt32BE(16)).toBe(0x10);
  });

  it('handles a negative timestamp offset', () => {
    const packet = Buffer.from(senderReport({ ...srFields, rtpTimestamp: 5 }));
    expect(rewriteSenderReport(packet, 0, 1, -10).readUInt32BE(16)).toBe(0xfffffffb);
    expect(rewriteSenderReport(packet, 0, 1, -5).readUInt32BE(16)).toBe(0);
  });

  it('handles offsets larger than 32 bits', () => {
    const packet = Buffer.from(senderReport({ ...srFields, rtpTimestamp: 7 }));
    expect(rewriteSenderReport(packet, 0, 1, 2 ** 32 + 3).readUInt32BE(16)).toBe(10);
  });

  it('accepts an SSRC given as a negative int32', () => {
    const packet = Buffer.from(senderReport(srFields));
    expect(rewriteSenderReport(packet, 0, -1, 0).readUInt32BE(4)).toBe(0xffffffff);
  });
});
