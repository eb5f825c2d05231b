/**
 * Real inputs each target starts from (written to fuzz/corpus/<target>/seed-*): the SDP Chrome
 * and libdatachannel write (test fixtures), packets as the SFU and browsers send them (built with
 * the SFU's own builders, which the unit tests check byte by byte), and one valid message of each
 * signaling type.
 */

import { buildNack, buildPli, buildReceiverReport } from '../packages/server/src/sfu/rtp/rtcp.ts';
import { MAX_RTP_PACKET_BYTES, RtpView, writeRewritten } from '../packages/server/src/sfu/rtp/rtp-view.ts';
import { buildTransportCcFeedback } from '../packages/server/src/sfu/rtp/transport-cc.ts';
import {
  CHROME_HOST_CANDIDATE,
  CHROME_RECEIVE_ANSWER,
  CHROME_SIMULCAST_OFFER,
  ENGINE_SIMULCAST_ANSWER,
  LIBDATACHANNEL_RECEIVE_ANSWER,
  LIBDATACHANNEL_SIMULCAST_OFFER,
  SFU_RECEIVE_OFFER,
} from '../packages/server/test/helpers/real-sdp.ts';

type Seeds = Record<string, Buffer>;

const bytes = (...values: number[]) => Buffer.from(values);
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

/** A VP8 key frame's first packet: descriptor (S=1), frame tag, start code, 640x480. */
const VP8_KEY = [0x10, 0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01, 0x00, 0x00];
/** Extended descriptor: 15-bit picture id, TL0PICIDX, TID/KEYIDX. */
const VP8_EXTENDED_KEY = [0x90, 0xe0, 0x80 | 0x12, 0x34, 0x05, 0x40, ...VP8_KEY.slice(1)];
const VP8_DELTA = [0x90, 0x80, 0x17, 0x31, 0x00, 0x00, 0x01, 0x02];

function rtp(header: number[], payload: number[]): Buffer {
  return Buffer.from([...header, ...payload]);
}

function rtpSeeds(): Seeds {
  // Chrome video: one-byte extensions (mid=9, rid=10, transport-cc=4) in a 0xBEDE block.
  const video = rtp(
    [0x90, 0x60, 0x12, 0x34, ...u32(90000), ...u32(0x11223344), 0xbe, 0xde, 0x00, 0x03],
    [0x90, 0x30, 0xa0, 0x66, 0x41, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, ...VP8_EXTENDED_KEY],
  );
  // Chrome audio: audio level (id 1) and transport-cc (id 3).
  const audio = rtp(
    [0x90, 0xef, 0x00, 0x01, ...u32(960), ...u32(0x55667788), 0xbe, 0xde, 0x00, 0x02],
    [0x10, 0xa5, 0x31, 0x00, 0x07, 0x00, 0x00, 0x00, 0xfc, 0xff, 0xfe],
  );
  const twoByte = rtp([0x90, 0x60, 0, 7, ...u32(1), ...u32(2), 0x10, 0x00, 0x00, 0x02], [4, 2, 0xab, 0xcd, 0, 0, 0, 0, 1, 2]);
  const csrcsPadding = rtp([0xa2, 0x60, 0, 8, ...u32(1), ...u32(2), ...u32(3), ...u32(4)], [1, 2, 3, 0, 0, 3]);
  const view = new RtpView();
  view.reset(video);
  const forwarded = Buffer.from(
    writeRewritten(view, { payloadType: 96, sequence: 5, timestamp: 6, ssrc: 7 }, Buffer.alloc(MAX_RTP_PACKET_BYTES), {
      extensionId: 3,
      sequence: 9,
    }),
  );
  return {
    'seed-chrome-video': video,
    'seed-chrome-audio': audio,
    'seed-two-byte-ext': twoByte,
    'seed-csrc-padding': csrcsPadding,
    'seed-forwarded': forwarded,
  };
}

function rtcpSeeds(): Seeds {
  const sr = bytes(
    0x80,
    200,
    0,
    6,
    ...u32(0x11223344),
    ...u32(0xe8a1b2c3),
    ...u32(0x80000000),
    ...u32(90000),
    ...u32(10),
    ...u32(1000),
  );
  const sdes = bytes(0x81, 202, 0, 2, ...u32(0x11223344), 1, 2, 0x61, 0x62);
  const rr = buildReceiverReport(1, [
    { ssrc: 2, fractionLost: 3, cumulativeLost: 4, extendedHighestSequence: 5, jitter: 6, lastSr: 7, delaySinceLastSr: 8 },
  ]);
  const fir = bytes(0x84, 206, 0, 4, ...u32(1), ...u32(0), ...u32(0x11223344), 7, 0, 0, 0);
  const remb = bytes(0x8f, 206, 0, 5, ...u32(1), ...u32(0), 0x52, 0x45, 0x4d, 0x42, 1, 0x0a, 0xbc, 0xde, ...u32(0x11223344));
  const twcc = buildTransportCcFeedback(1, 2, 3, [
    { sequence: 100, arrivalMs: 1000 },
    { sequence: 101, arrivalMs: null },
    { sequence: 102, arrivalMs: 1010 },
  ]);
  const bye = bytes(0x81, 203, 0, 1, ...u32(0x11223344));
  return {
    'seed-pli': buildPli(1, 2),
    'seed-nack': buildNack(1, 2, [10, 11, 13, 40, 41, 300]),
    'seed-sr': sr,
    'seed-rr-sdes-pli': Buffer.concat([rr, sdes, buildPli(1, 2)]),
    'seed-fir': fir,
    'seed-remb': remb,
    'seed-sr-twcc-bye': Buffer.concat([sr, twcc, bye]),
  };
}

function transportCcSeeds(): Seeds {
  const steady = Array.from({ length: 20 }, (_, i) => ({ sequence: 500 + i, arrivalMs: 2000 + i * 5 }));
  const lossy = Array.from({ length: 30 }, (_, i) => ({ sequence: 65530 + i, arrivalMs: i % 4 === 0 ? null : 3000 + i * 3 }));
  const jumpy = [0, 100, 50, 9000, 9001].map((t, i) => ({ sequence: i, arrivalMs: 64 * 100 + t }));
  // Hand-made: a run-length chunk (7 received, small deltas) and a one-bit vector chunk.
  const header = [0x8f, 205, 0, 0, ...u32(1), ...u32(2), 0, 10, 0, 21, 0, 0, 5, 1];
  const body = [0x20, 0x07, 0xbf, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 0, 0, 3];
  const handmade = Buffer.from([...header, ...body]);
  handmade.writeUInt16BE(handmade.length / 4 - 1, 2);
  handmade[0] = 0xaf;
  return {
    'seed-steady': buildTransportCcFeedback(1, 2, 0, steady),
    'seed-lossy-wrap': buildTransportCcFeedback(1, 2, 1, lossy),
    'seed-large-deltas': buildTransportCcFeedback(1, 2, 2, jumpy),
    'seed-run-and-one-bit': handmade,
  };
}

function vp8Seeds(): Seeds {
  return {
    'seed-key': Buffer.from(VP8_KEY),
    'seed-extended-key': Buffer.from(VP8_EXTENDED_KEY),
    'seed-delta': Buffer.from(VP8_DELTA),
  };
}

const CHROME_CAMERA_OFFER = CHROME_SIMULCAST_OFFER.replace(/a=rid:.*\r\n|a=simulcast:.*\r\n/g, '').replace(
  'a=msid:',
  'a=ssrc-group:FID 1234567890 987654321\r\na=ssrc:1234567890 cname:Qk8bQ5gk1nWm1V7x\r\na=ssrc:987654321 cname:Qk8bQ5gk1nWm1V7x\r\na=msid:',
);

const WITH_CANDIDATES = CHROME_SIMULCAST_OFFER.replace(
  'a=ice-options:trickle\r\n',
  [
    'a=ice-options:trickle',
    CHROME_HOST_CANDIDATE,
    'a=candidate:842163049 1 udp 1677729535 198.51.100.20 46154 typ srflx raddr 192.0.2.10 rport 54400 generation 0',
    'a=candidate:1 1 udp 41885439 203.0.113.5 3478 typ relay raddr 198.51.100.20 rport 46154 generation 0',
    'a=candidate:3 1 tcp 1518280447 192.0.2.10 9 typ host tcptype active generation 0',
    'a=end-of-candidates',
    '',
  ].join('\r\n'),
);

function text(seeds: Record<string, string>): Seeds {
  return Object.fromEntries(Object.entries(seeds).map(([k, v]) => [k, Buffer.from(v)]));
}

const CLIENT_MESSAGES = {
  hello: { type: 'hello', id: 0, protocol: 1 },
  join: { type: 'join', id: 1, room: 'team-standup_42', name: 'Ada Lovelace', e2ee: true, p2p: 'relay' },
  resume: { type: 'resume', id: 2, token: 'abcdefghijklmnop_-12' },
  leave: { type: 'leave', id: 2 },
  publish: { type: 'publish', id: 3, source: 'camera', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' },
  unpublish: { type: 'unpublish', id: 4, source: 'screen' },
  answer: { type: 'answer', id: 5, revision: 0, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' },
  candidate: {
    type: 'candidate',
    id: 6,
    connection: 'main',
    candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host',
    mid: '0',
  },
  mute: { type: 'mute', id: 7, kind: 'audio', muted: true },
  relay: { type: 'relay', id: 8, to: 'member_1-x', payload: 'aGVsbG8gd29ybGQ=' },
  view: { type: 'view', id: 9, sources: [{ memberId: 'member_1-x', source: 'camera', width: 640, height: 360 }] },
  pin: { type: 'pin', id: 10, memberIds: ['member_1-x'] },
  'restart-media': { type: 'restart-media', id: 11 },
  'raise-hand': { type: 'raise-hand', id: 11, raised: true },
  moderate: { type: 'moderate', id: 11, action: { type: 'mute', memberId: 'member_1-x', kind: 'audio' } },
  knock: { type: 'knock', id: 11, room: 'team-room', name: 'Ann', password: 'secret' },
  'mls-key-package': { type: 'mls-key-package', id: 11, keyPackage: 'AAEABQAB' },
  'mls-create': { type: 'mls-create', id: 12 },
  'mls-commit': { type: 'mls-commit', id: 13, epoch: 3, commit: 'AAEAAg==', welcome: 'AAEAAw==', added: ['m1'], removed: [] },
  'p2p-signal': {
    type: 'p2p-signal',
    id: 14,
    session: 2,
    candidate: { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ relay', mid: '0' },
  },
};

const SERVER_MESSAGES = {
  ok: { type: 'ok', id: 1, result: { memberId: 'm1', members: [{ id: 'm2', name: 'Bo', audioMuted: false, videoMuted: true }] } },
  error: { type: 'error', id: null, code: 'bad-message', message: 'invalid mute' },
  'member-joined': {
    type: 'member-joined',
    member: { id: 'm2', name: 'Bo', audioMuted: false, videoMuted: true, screenSharing: true, role: 'participant', hand: 2 },
  },
  'room-state': { type: 'room-state', settings: { locked: true, lobby: false, passwordSet: true } },
  lobby: { type: 'lobby', knocking: [{ knockId: 'k1', name: 'Cy' }] },
  moderation: { type: 'moderation', request: 'muted', kind: 'audio', by: 'm2' },
  'knock-answer': { type: 'knock-answer', admitted: true, ticket: 'AbCdEfGhIjKlMnOpQrStUv' },
  offer: { type: 'offer', revision: 3, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' },
  tracks: {
    type: 'tracks',
    slots: [
      { mid: '1', kind: 'video', memberId: 'm2', source: 'camera' },
      { mid: '2', kind: 'audio', memberId: null, source: null },
    ],
  },
  candidate: {
    type: 'candidate',
    connection: 'main',
    candidate: 'candidate:1 1 UDP 2114977791 192.0.2.2 40000 typ host',
    mid: '0',
  },
  layers: { type: 'layers', source: 'camera', active: [true, false, true] },
  removed: { type: 'removed', reason: 'too-slow' },
  'mls-task': { type: 'mls-task', epoch: null, adds: [{ memberId: 'm2', keyPackage: 'AAEC' }], removes: [] },
  'media-path': {
    type: 'media-path',
    path: 'p2p',
    session: 1,
    peer: 'm2',
    mode: 'relay',
    offerer: true,
    iceServers: [{ urls: ['turn:192.0.2.1:3478'], username: 'u', credential: 'c' }],
  },
  'p2p-signal': {
    type: 'p2p-signal',
    from: 'm2',
    session: 1,
    description: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' },
  },
};

function json(messages: Record<string, unknown>): Seeds {
  return Object.fromEntries(Object.entries(messages).map(([k, v]) => [`seed-${k}`, Buffer.from(JSON.stringify(v))]));
}

/** The seeds of each target, by file name. */
export function seedsFor(target: string): Seeds {
  switch (target) {
    case 'rtp':
      return rtpSeeds();
    case 'rtcp':
      return rtcpSeeds();
    case 'transport-cc':
      return transportCcSeeds();
    case 'vp8':
      return vp8Seeds();
    case 'sdp-publish':
      return text({
        'seed-chrome-simulcast': CHROME_SIMULCAST_OFFER,
        'seed-chrome-camera': CHROME_CAMERA_OFFER,
        'seed-libdatachannel-simulcast': LIBDATACHANNEL_SIMULCAST_OFFER,
      });
    case 'sdp-answer':
      return text({
        'seed-chrome-answer': CHROME_RECEIVE_ANSWER,
        'seed-libdatachannel-answer': LIBDATACHANNEL_RECEIVE_ANSWER,
        'seed-engine-simulcast-answer': ENGINE_SIMULCAST_ANSWER,
        'seed-sfu-offer': SFU_RECEIVE_OFFER,
      });
    case 'relay-only':
      return text({ 'seed-chrome-candidates': WITH_CANDIDATES, 'seed-libdatachannel-answer': LIBDATACHANNEL_RECEIVE_ANSWER });
    case 'client-message':
      return json(CLIENT_MESSAGES);
    case 'server-message':
      return json(SERVER_MESSAGES);
    default:
      return {};
  }
}
