import { MAX_SDP_LENGTH } from '@sotto/protocol';
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { parse, write } from 'sdp-transform';
import { SdpError } from './sdp-error.ts';

/**
 * Client SDP is checked structurally before it reaches the engine (docs/reliability.md,
 * "Fuzzing"): libdatachannel parses SDP in native code, where a surprise is a crash of the whole
 * server rather than an error reply. Only what sdp-transform understands, within the bounds
 * below, passes — and the engine is handed sdp-transform's re-serialisation, so it never sees
 * bytes we did not read.
 */
export const REMOTE_SDP_LIMITS = {
  /** The whole description (the protocol's own limit). */
  bytes: MAX_SDP_LENGTH,
  /** One line; Chrome's longest (fingerprint, fmtp, candidate, msid) are ~130 characters. */
  lineBytes: 1024,
  /** Media sections; a receive connection grows by one per slot, and slots are few (last-N). */
  mediaSections: 64,
  /** Payload types of one m-line (Chrome offers ~40 for video). */
  payloadTypes: 64,
  candidates: 32,
  ssrcLines: 64,
  ssrcGroups: 16,
  /** Simulcast layers; each gets a packet cache (MAX_SIMULCAST_LAYERS). */
  rids: 3,
  /** A rid travels in a one-byte header extension: at most 16 bytes. */
  ridLength: 16,
  /** A mid travels in a one-byte header extension too. */
  midLength: 16,
} as const;

export interface RemoteSdpExpectation {
  /** An answer to our offer may not leave the DTLS role open (`a=setup:actpass`). */
  type: 'offer' | 'answer';
  /** The mids the description must carry, in order (an answer's are its offer's). */
  mids?: readonly string[];
  /** How many media sections, when their mids are not known in advance (a publish offer: 1). */
  mediaSections?: number;
  /** Data channels only (a network probe's offer): one `application` m-line, no audio or video. */
  dataChannel?: boolean;
}

export interface CheckedSdp {
  /** The description re-serialised by sdp-transform: what the engine is given. */
  sdp: string;
  session: SessionDescription;
}

/** Printable ASCII after a known line type (RFC 8866 §5); browsers write nothing else. */
const LINE = /^[vosiuepcbtrzam]=[\x20-\x7e]*$/;
/** Attributes that have one value per section; sdp-transform silently keeps the last of two. */
const SINGLE = new Set(['ice-ufrag', 'ice-pwd', 'fingerprint', 'setup', 'mid', 'direction', 'simulcast']);
const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
/** RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/"; ufrag 4-256, pwd 22-256 of them. */
const ICE_UFRAG = /^[A-Za-z0-9+/]{4,256}$/;
const ICE_PWD = /^[A-Za-z0-9+/]{22,256}$/;
const SHA256 = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;
const MID = new RegExp(`^[A-Za-z0-9_.-]{1,${REMOTE_SDP_LIMITS.midLength}}$`);
/** RFC 8851 §10: rid-id = 1*(alpha-numeric / "-" / "_"). */
const RID = new RegExp(`^[A-Za-z0-9_-]{1,${REMOTE_SDP_LIMITS.ridLength}}$`);
const TOKEN = /^[\w.+-]{1,64}$/;

/**
 * Checks a client's SDP (a publish offer, or the answer to our offer) and returns it
 * re-serialised. Throws SdpError, naming the first problem, for anything else. Never throws
 * anything else, whatever the input (fuzzed: fuzz/targets/sdp-check.ts).
 */
export function checkRemoteSdp(sdp: string, expect: RemoteSdpExpectation): CheckedSdp {
  if (typeof sdp !== 'string') throw new SdpError('the SDP is not text');
  if (sdp.length > REMOTE_SDP_LIMITS.bytes) throw new SdpError(`the SDP is longer than ${REMOTE_SDP_LIMITS.bytes} characters`);
  checkLines(sdp);
  const read = parse(sdp);
  // Lines sdp-transform does not read (browsers add new attributes now and then, e.g. Chrome's
  // a=rtcp-xr) are left out: the engine never sees a line we have not read ourselves.
  delete read.invalid;
  for (const section of read.media) delete section.invalid;
  // What the engine gets is the re-serialisation, so that is what the rest checks; it must read
  // back as itself, or we would check one description and hand on another.
  const out = write(read);
  if (out.length > REMOTE_SDP_LIMITS.bytes) throw new SdpError(`the SDP is longer than ${REMOTE_SDP_LIMITS.bytes} characters`);
  const fingerprints = checkLines(out);
  const session = parse(out);
  if (write(session) !== out) throw new SdpError('the SDP does not read back as itself once re-serialised');
  if (!session.origin || !session.timing) throw new SdpError('the SDP lacks a valid o= or t= line');
  checkFingerprint(fingerprints);
  const media = session.media;
  if (media.length === 0) throw new SdpError('the SDP has no media section');
  if (media.length > REMOTE_SDP_LIMITS.mediaSections)
    throw new SdpError(`at most ${REMOTE_SDP_LIMITS.mediaSections} media sections`);
  if (expect.mediaSections !== undefined && media.length !== expect.mediaSections)
    throw new SdpError(`expected ${expect.mediaSections} media section(s), found ${media.length}`);
  if (expect.mids && media.length !== expect.mids.length)
    throw new SdpError(`expected ${expect.mids.length} media sections (as offered), found ${media.length}`);
  const mids = new Set<string>();
  const credentials = new Set<string>();
  for (const [index, section] of media.entries()) {
    const where = `m-line ${index + 1}`;
    const mid = expect.dataChannel ? checkApplication(section, where) : checkMedia(section, where);
    if (mids.has(mid)) throw new SdpError(`${where}: mid ${mid} is used twice`);
    mids.add(mid);
    const expected = expect.mids?.[index];
    if (expected !== undefined && mid !== expected) throw new SdpError(`${where}: expected mid ${expected}, found ${mid}`);
    const setup = section.setup ?? session.setup;
    if (setup !== undefined && !['actpass', 'active', 'passive', 'holdconn'].includes(setup))
      throw new SdpError(`${where}: bad a=setup`);
    if (expect.type === 'answer' && setup === 'actpass') throw new SdpError(`${where}: an answer cannot say a=setup:actpass`);
    if (section.port === 0) continue; // rejected m-line: no transport
    const ufrag = String(section.iceUfrag ?? session.iceUfrag ?? '');
    const pwd = String(section.icePwd ?? session.icePwd ?? '');
    if (!ICE_UFRAG.test(ufrag)) throw new SdpError(`${where}: the ICE ufrag must be 4-256 letters, digits, + or /`);
    if (!ICE_PWD.test(pwd)) throw new SdpError(`${where}: the ICE password must be 22-256 letters, digits, + or /`);
    credentials.add(`${ufrag} ${pwd}`);
  }
  if (credentials.size > 1) throw new SdpError('bundled m-lines must share one ICE ufrag and password');
  for (const group of session.groups ?? []) {
    for (const mid of String(group.mids).split(' ')) {
      if (!mids.has(mid)) throw new SdpError(`a=group names mid ${mid.slice(0, 16)}, which no m-line has`);
    }
  }
  return { sdp: out, session };
}

/** The mids of a description we wrote, in order (what its answer must carry). */
export function midsOf(sdp: string): string[] {
  return parse(sdp).media.map((m, index) => (m.mid !== undefined ? String(m.mid) : String(index)));
}

/** Line-level rules sdp-transform cannot see (it skips lines it does not know); returns the fingerprints. */
function checkLines(sdp: string): string[] {
  const lines = sdp.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines[0] !== 'v=0') throw new SdpError('the SDP must start with v=0');
  const seen = new Set<string>();
  const fingerprints: string[] = [];
  let section = 0;
  for (const [i, line] of lines.entries()) {
    if (line.length > REMOTE_SDP_LIMITS.lineBytes)
      throw new SdpError(`line ${i + 1} is longer than ${REMOTE_SDP_LIMITS.lineBytes} characters`);
    if (!LINE.test(line)) throw new SdpError(`line ${i + 1} is not an SDP line of a known type`);
    if (line.startsWith('m=')) section++;
    if (!line.startsWith('a=')) continue;
    let name = line.slice(2).split(':', 1)[0] as string;
    if (DIRECTIONS.has(name)) name = 'direction';
    if (!SINGLE.has(name)) continue;
    const key = `${section} ${name}`;
    if (seen.has(key)) throw new SdpError(`a=${name} appears twice in one section`);
    seen.add(key);
    if (name === 'fingerprint') fingerprints.push(line.slice('a=fingerprint:'.length));
  }
  return fingerprints;
}

function checkFingerprint(lines: readonly string[]): void {
  const distinct = new Set(
    lines.map((value) => {
      const [hash = '', digest = '', ...rest] = value.split(' ');
      if (hash.toLowerCase() !== 'sha-256' || rest.length || !SHA256.test(digest.toUpperCase()))
        throw new SdpError('the DTLS fingerprint must be one sha-256 digest');
      return digest.toUpperCase();
    }),
  );
  if (distinct.size !== 1) throw new SdpError('the SDP must carry exactly one sha-256 DTLS fingerprint');
}

/** Checks one media section; returns its mid. */
/** A data-channel m-line (RFC 8841): SCTP over DTLS, nothing else. */
function checkApplication(m: MediaDescription, where: string): string {
  if (m.type !== 'application' || m.protocol !== 'UDP/DTLS/SCTP' || String(m.payloads) !== 'webrtc-datachannel')
    throw new SdpError(`${where}: only a data channel (UDP/DTLS/SCTP webrtc-datachannel) is accepted here`);
  if (!isInteger(m.port, 0, 65535)) throw new SdpError(`${where}: bad port`);
  if (m.sctpPort !== undefined && !isInteger(m.sctpPort, 1, 65535)) throw new SdpError(`${where}: bad a=sctp-port`);
  const mid = String(m.mid ?? '');
  if (!MID.test(mid)) throw new SdpError(`${where}: a mid is 1-${REMOTE_SDP_LIMITS.midLength} letters, digits, ., - or _`);
  return mid;
}

function checkMedia(m: MediaDescription, where: string): string {
  if (m.type !== 'audio' && m.type !== 'video') throw new SdpError(`${where}: only audio and video are negotiated`);
  if (!isInteger(m.port, 0, 65535)) throw new SdpError(`${where}: bad port`);
  if (typeof m.protocol !== 'string' || !/^[A-Z]{1,8}(\/[A-Z]{1,8}){0,4}$/.test(m.protocol))
    throw new SdpError(`${where}: bad transport protocol`);
  const payloads = String(m.payloads ?? '').split(' ');
  if (payloads.length > REMOTE_SDP_LIMITS.payloadTypes)
    throw new SdpError(`${where}: at most ${REMOTE_SDP_LIMITS.payloadTypes} payload types`);
  if (!payloads.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 127)) throw new SdpError(`${where}: bad payload type list`);
  const listed = new Set(payloads.map(Number));
  if (m.mid === undefined) throw new SdpError(`${where} has no a=mid`);
  const mid = String(m.mid);
  if (!MID.test(mid)) throw new SdpError(`${where}: a mid is 1-${REMOTE_SDP_LIMITS.midLength} letters, digits, ., - or _`);
  for (const rtp of m.rtp) {
    if (
      !listed.has(rtp.payload) ||
      !TOKEN.test(String(rtp.codec)) ||
      (rtp.rate !== undefined && !isInteger(rtp.rate, 1, 2 ** 31))
    )
      throw new SdpError(`${where}: bad a=rtpmap for payload type ${String(rtp.payload).slice(0, 8)}`);
  }
  if (m.fmtp.some((f) => !isInteger(f.payload, 0, 127))) throw new SdpError(`${where}: bad a=fmtp payload type`);
  if (m.rtcpFb?.some((f) => f.payload !== '*' && !isInteger(f.payload, 0, 127)))
    throw new SdpError(`${where}: bad a=rtcp-fb payload type`);
  checkExtensions(m, where);
  checkSimulcast(m, where);
  if ((m.ssrcs?.length ?? 0) > REMOTE_SDP_LIMITS.ssrcLines) throw new SdpError(`${where}: too many a=ssrc lines`);
  if (m.ssrcs?.some((s) => !isInteger(s.id, 0, 0xffffffff))) throw new SdpError(`${where}: bad a=ssrc`);
  if ((m.ssrcGroups?.length ?? 0) > REMOTE_SDP_LIMITS.ssrcGroups) throw new SdpError(`${where}: too many a=ssrc-group lines`);
  for (const group of m.ssrcGroups ?? []) {
    // sdp-transform turns a lone number into a number: String() first.
    if (
      !String(group.ssrcs)
        .split(' ')
        .every((s) => /^\d{1,10}$/.test(s) && Number(s) <= 0xffffffff)
    )
      throw new SdpError(`${where}: bad a=ssrc-group`);
  }
  if ((m.candidates?.length ?? 0) > REMOTE_SDP_LIMITS.candidates) throw new SdpError(`${where}: too many candidates`);
  for (const c of m.candidates ?? []) {
    if (!isInteger(c.component, 1, 256) || !isInteger(c.port, 0, 65535) || !isInteger(c.priority, 0, 0xffffffff))
      throw new SdpError(`${where}: bad a=candidate`);
  }
  return mid;
}

/** RFC 8285 one-byte header extensions: ids 1-14, each once per m-line. */
function checkExtensions(m: MediaDescription, where: string): void {
  const ids = new Set<number>();
  for (const ext of m.ext ?? []) {
    if (!isInteger(ext.value, 1, 14)) throw new SdpError(`${where}: a=extmap ids are 1-14`);
    if (ids.has(ext.value)) throw new SdpError(`${where}: a=extmap id ${ext.value} is used twice`);
    if (!ext.uri || ext.uri.length > 256) throw new SdpError(`${where}: bad a=extmap URI`);
    ids.add(ext.value);
  }
}

/** At most three rids (RFC 8851), each named once; a=simulcast (RFC 8853) names only those. */
function checkSimulcast(m: MediaDescription, where: string): void {
  const rids = (m.rids ?? []).map((r) => ({ id: String(r.id), direction: r.direction }));
  if (rids.length > REMOTE_SDP_LIMITS.rids) throw new SdpError(`${where}: at most ${REMOTE_SDP_LIMITS.rids} simulcast layers`);
  const names = new Set<string>();
  for (const rid of rids) {
    if (!RID.test(rid.id)) throw new SdpError(`${where}: a rid is 1-${REMOTE_SDP_LIMITS.ridLength} letters, digits, - or _`);
    if (rid.direction !== 'send' && rid.direction !== 'recv') throw new SdpError(`${where}: a rid is send or recv`);
    if (names.has(rid.id)) throw new SdpError(`${where}: rid ${rid.id} is named twice`);
    names.add(rid.id);
  }
  const simulcast = m.simulcast;
  if (!simulcast) return;
  for (const list of [simulcast.list1, simulcast.list2]) {
    if (list === undefined) continue;
    const layers = String(list)
      .split(/[;,]/)
      .map((s) => (s.startsWith('~') ? s.slice(1) : s));
    if (layers.length > REMOTE_SDP_LIMITS.rids || !layers.every((l) => names.has(l)))
      throw new SdpError(`${where}: a=simulcast may only name the a=rid layers`);
  }
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
