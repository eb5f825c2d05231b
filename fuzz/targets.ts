/**
 * The fuzz targets: which module, which input size, which format tokens, and how much work an
 * input may cost. Bounds are linear in the input size: a parser whose work grows faster than its
 * input (a backtracking regular expression, a loop per claimed — not present — element) breaks
 * them on the large inputs the mutator grows.
 */
import { join } from 'node:path';
import { MAX_FRAME_BYTES, MAX_SDP_LENGTH } from '../packages/protocol/src/limits.ts';
import { FUZZ_DIR } from './corpus.ts';
import type { LinearBound } from './fuzzer.ts';

export interface Target {
  name: string;
  /** Module exporting `fuzz(data: Buffer): void`. */
  entry: string;
  maxLength: number;
  text: boolean;
  dictionary: Buffer[];
  /** Instrumented steps (statements, functions, branch arms run) for an input. */
  steps: LinearBound;
  /** Milliseconds, instrumented; generous, and confirmed by re-runs (fuzzer.ts). */
  time: LinearBound;
}

const tokens = (...values: Array<string | number[]>) =>
  values.map((v) => (typeof v === 'string' ? Buffer.from(v) : Buffer.from(v)));

const RTCP_TYPES = [200, 201, 202, 203, 204, 205, 206].flatMap((pt) => [[0x80, pt], [0x81, pt], [0x8f, pt], [0x84, pt], [pt]]);

const SDP_TOKENS = tokens(
  '\r\n',
  'a=rid:',
  'a=rid:q send',
  'a=rid:h recv',
  ' send',
  ' recv',
  ';',
  ',',
  '~',
  ' ',
  'a=simulcast:send q;h;f',
  'a=simulcast:recv ',
  'a=ssrc-group:FID ',
  'a=ssrc-group:FID 1234',
  'a=ssrc:1 cname:x',
  'a=extmap:',
  'a=extmap:15 urn:x',
  'a=fingerprint:sha-256 ',
  'a=fingerprint:sha-1 ',
  'a=ice-ufrag:',
  'a=ice-pwd:',
  'a=mid:',
  'a=mid:1',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'a=candidate:',
  ' typ relay',
  ' typ host',
  ' typ srflx',
  ' raddr ',
  ' rport ',
  'a=rtpmap:',
  'a=rtpmap:96 VP8/90000',
  'a=fmtp:',
  'a=rtcp-fb:',
  'a=rtcp-fb:* nack',
  'c=IN IP4 ',
  'c=IN IP6 ',
  'a=rtcp:9 IN IP4 ',
  'a=group:BUNDLE ',
  'a=setup:actpass',
  'a=setup:active',
  'a=sendonly',
  'a=recvonly',
  'a=inactive',
  'a=remote-candidates:',
  'a=end-of-candidates',
  'VP8/90000',
  'opus/48000/2',
  'a=msid:',
  'a=rtcp-mux',
  'a=x-unknown:',
  'a=simulcast: send rid=',
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=imageattr:',
  'a=bundle-only',
  '\n',
  '\r',
  '\0',
  '\u00e9',
);

const JSON_TOKENS = tokens(
  '{',
  '}',
  '[',
  ']',
  '"',
  ':',
  ',',
  'null',
  'true',
  'false',
  '"type":',
  '"id":',
  '"sdp":',
  '"payload":',
  '"to":',
  '"source":',
  '"sources":',
  '"memberIds":',
  '"candidate":',
  '"description":',
  '"session":',
  '"epoch":',
  '"result":',
  '"hello"',
  '"join"',
  '"resume"',
  '"leave"',
  '"publish"',
  '"unpublish"',
  '"answer"',
  '"candidate"',
  '"mute"',
  '"relay"',
  '"view"',
  '"pin"',
  '"mls-key-package"',
  '"mls-create"',
  '"mls-commit"',
  '"p2p-signal"',
  '"ok"',
  '"error"',
  '"offer"',
  '"tracks"',
  '"layers"',
  '"speaker"',
  '"removed"',
  '"mls-task"',
  '"mls-welcome"',
  '"media-path"',
  '"member-joined"',
  '"member-left"',
  '"member-updated"',
  '"__proto__"',
  '"constructor"',
  '1e309',
  '-0',
  '2147483648',
  '9007199254740993',
  '\\u0000',
  '\\ud800',
  '    ',
  '"camera"',
  '"screen"',
  '"audio"',
  '"video"',
);

const TIME = { base: 50, perByte: 0.05 };

export const TARGETS: Target[] = [
  {
    name: 'rtp',
    entry: 'targets/rtp.ts',
    maxLength: 2048,
    text: false,
    dictionary: tokens([0x80], [0x90], [0xa0], [0xb0], [0xbe, 0xde], [0x10, 0x00], [0x10, 0x01], [0x00, 0x01], [0xff, 0xff]),
    // The target reads all 16 extension ids: each a scan of the extension block.
    steps: { base: 2_000, perByte: 100 },
    time: TIME,
  },
  {
    name: 'rtcp',
    entry: 'targets/rtcp.ts',
    maxLength: 4096,
    text: false,
    dictionary: tokens(...RTCP_TYPES),
    // A constant for the transport-cc feedback budget (4 096 entries), then linear.
    steps: { base: 4096 * 25, perByte: 100 },
    time: TIME,
  },
  {
    name: 'transport-cc',
    entry: 'targets/transport-cc.ts',
    maxLength: 4096,
    text: false,
    // Chunk kinds: run length (T=0), one-bit vector (T=1,S=0), two-bit vector (T=1,S=1); big counts.
    dictionary: tokens(
      [0x8f, 205],
      [0x20, 0x07],
      [0x5f, 0xff],
      [0x3f, 0xff],
      [0xbf, 0xff],
      [0xd5, 0x55],
      [0x10, 0x00],
      [0x10, 0x01],
      [0xff, 0xff],
    ),
    // Two parses (two offsets), each up to the 4 096-entry budget, then linear.
    steps: { base: 2 * 4096 * 25, perByte: 100 },
    time: TIME,
  },
  {
    name: 'vp8',
    entry: 'targets/vp8.ts',
    maxLength: 1500,
    text: false,
    dictionary: tokens([0x10], [0x90], [0x80], [0xe0], [0x9d, 0x01, 0x2a], [0x80, 0x02, 0xe0, 0x01]),
    // Reads a few header bytes whatever the payload size.
    steps: { base: 500, perByte: 0 },
    time: TIME,
  },
  {
    name: 'sdp-publish',
    entry: 'targets/sdp-publish.ts',
    maxLength: MAX_SDP_LENGTH,
    text: true,
    dictionary: SDP_TOKENS,
    steps: { base: 50_000, perByte: 400 },
    time: { base: 100, perByte: 0.1 },
  },
  {
    name: 'sdp-answer',
    entry: 'targets/sdp-answer.ts',
    maxLength: MAX_SDP_LENGTH,
    text: true,
    dictionary: SDP_TOKENS,
    steps: { base: 50_000, perByte: 400 },
    time: { base: 100, perByte: 0.1 },
  },
  {
    name: 'relay-only',
    entry: 'targets/relay-only.ts',
    maxLength: MAX_SDP_LENGTH,
    text: true,
    dictionary: SDP_TOKENS,
    steps: { base: 50_000, perByte: 400 },
    time: { base: 100, perByte: 0.1 },
  },
  {
    name: 'client-message',
    entry: 'targets/client-message.ts',
    maxLength: MAX_FRAME_BYTES,
    text: true,
    dictionary: JSON_TOKENS,
    steps: { base: 20_000, perByte: 100 },
    time: { base: 50, perByte: 0.05 },
  },
  {
    name: 'server-message',
    entry: 'targets/server-message.ts',
    maxLength: MAX_FRAME_BYTES,
    text: true,
    dictionary: JSON_TOKENS,
    steps: { base: 20_000, perByte: 100 },
    time: { base: 50, perByte: 0.05 },
  },
];

export function targetPath(target: Target): string {
  return join(FUZZ_DIR, target.entry);
}
