import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect as connectTcp, isIPv4, isIPv6 } from 'node:net';
import { connect as connectTls } from 'node:tls';

/**
 * Just enough of a TURN client (RFC 8656, over UDP, TCP or TLS) to ask a TURN server what it would
 * let a client do: Allocate with long-term credentials, then CreatePermission for a peer address.
 * CreatePermission sends nothing to the peer, so one can ask about any address (169.254.169.254,
 * 8.8.8.8) without traffic leaving the machine. `sotto doctor` tries the configured TURN servers
 * with it; the coturn tests check the hardened configuration with it. No dependency.
 */

export interface TurnCredentials {
  username: string;
  password: string;
}

/** What the server answered: success, or the STUN error code (401, 403, 438, 442…) and its reason. */
export type TurnResult = { ok: true } | { ok: false; code: number; reason: string };

/** How to reach a TURN server: `turn:host:port?transport=udp|tcp` or `turns:host:port` (TLS). */
export interface TurnServerAddress {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
}

/** Parses a TURN URL (RFC 7065); default ports 3478 (turn) and 5349 (turns). */
export function parseTurnUrl(url: string): TurnServerAddress {
  const match = /^(turns?):(\[[0-9a-fA-F:.]+\]|[^:?\s]+)(?::(\d+))?(?:\?transport=(udp|tcp))?$/.exec(url);
  if (!match) throw new Error(`not a TURN URL: ${url}`);
  const [, scheme, host = '', port, transport] = match;
  const secure = scheme === 'turns';
  return {
    host: host.replace(/^\[|\]$/g, ''),
    port: port ? Number(port) : secure ? 5349 : 3478,
    transport: secure ? 'tls' : transport === 'tcp' ? 'tcp' : 'udp',
  };
}

const MAGIC_COOKIE = 0x2112a442;

const METHOD = { allocate: 0x003, createPermission: 0x008 } as const;
// A method's request, success and error types differ only in the two class bits (RFC 8489 §5).
const SUCCESS_CLASS = 0x100;
const ERROR_CLASS = 0x110;

const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  xorPeerAddress: 0x0012,
  realm: 0x0014,
  nonce: 0x0015,
  requestedAddressFamily: 0x0017,
  requestedTransport: 0x0019,
} as const;

/** IANA protocol numbers, as REQUESTED-TRANSPORT carries them. */
const TRANSPORT = { udp: 17, tcp: 6 } as const;

interface Attribute {
  type: number;
  value: Buffer;
}

interface Message {
  type: number;
  transactionId: Buffer;
  attributes: Attribute[];
}

function encodeAttribute({ type, value }: Attribute): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

/** A STUN message; with a key, MESSAGE-INTEGRITY (HMAC-SHA1 over everything before it) goes last. */
function encode(type: number, transactionId: Buffer, attributes: Attribute[], key?: Buffer): Buffer {
  const body = Buffer.concat(attributes.map(encodeAttribute));
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  // The length must already count MESSAGE-INTEGRITY (4 + 20 bytes) when the HMAC is computed.
  header.writeUInt16BE(body.length + (key ? 24 : 0), 2);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(header, 8);
  const message = Buffer.concat([header, body]);
  if (!key) return message;
  const hmac = createHmac('sha1', key).update(message).digest();
  return Buffer.concat([message, encodeAttribute({ type: ATTR.messageIntegrity, value: hmac })]);
}

function decode(data: Buffer): Message | null {
  if (data.length < 20 || data.readUInt32BE(4) !== MAGIC_COOKIE) return null;
  const attributes: Attribute[] = [];
  const end = Math.min(data.length, 20 + data.readUInt16BE(2));
  for (let offset = 20; offset + 4 <= end; ) {
    const type = data.readUInt16BE(offset);
    const length = data.readUInt16BE(offset + 2);
    attributes.push({ type, value: data.subarray(offset + 4, offset + 4 + length) });
    offset += 4 + length + ((4 - (length % 4)) % 4);
  }
  return { type: data.readUInt16BE(0), transactionId: data.subarray(8, 20), attributes };
}

const attribute = (message: Message, type: number) => message.attributes.find((a) => a.type === type)?.value;

/** XOR-PEER-ADDRESS: the port and address XORed with the magic cookie (and, for IPv6, the transaction id). */
function xorAddress(ip: string, port: number, transactionId: Buffer): Buffer {
  const cookie = Buffer.alloc(4);
  cookie.writeUInt32BE(MAGIC_COOKIE);
  const mask = Buffer.concat([cookie, transactionId]);
  const raw = isIPv4(ip) ? Buffer.from(ip.split('.').map(Number)) : ipv6Bytes(ip);
  const value = Buffer.alloc(4 + raw.length);
  value.writeUInt8(isIPv4(ip) ? 0x01 : 0x02, 1);
  value.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 2);
  for (let i = 0; i < raw.length; i++) value[4 + i] = (raw[i] ?? 0) ^ (mask[i] ?? 0);
  return value;
}

function ipv6Bytes(ip: string): Buffer {
  if (!isIPv6(ip)) throw new Error(`not an IP address: ${ip}`);
  // The URL parser writes a trailing dotted IPv4 part (::ffff:127.0.0.1) as two hex groups.
  const [head = '', tail] = new URL(`http://[${ip}]/`).hostname.slice(1, -1).split('::');
  const groups = (part = '') => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(tail);
  const bytes = Buffer.alloc(16);
  [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right].forEach((g, i) => {
    bytes.writeUInt16BE(g, i * 2);
  });
  return bytes;
}

function errorOf(message: Message): TurnResult {
  const value = attribute(message, ATTR.errorCode);
  if (!value || value.length < 4) return { ok: false, code: 0, reason: 'error without ERROR-CODE' };
  return { ok: false, code: (value[2]! & 0x7) * 100 + value[3]!, reason: value.subarray(4).toString('utf8').replace(/\0+$/, '') };
}

/** Where STUN messages go: a UDP socket (datagrams, retransmitted) or a TCP/TLS stream (framed by length). */
interface Channel {
  send(packet: Buffer): void;
  /** UDP loses packets; a stream does not. */
  reliable: boolean;
  close(): void;
}

const CONNECT_TIMEOUT_MS = 3000;

async function openChannel(server: TurnServerAddress, onMessage: (message: Message) => void): Promise<Channel> {
  if (server.transport === 'udp') {
    const socket = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => resolve());
    });
    socket.on('message', (data) => {
      const message = decode(data);
      if (message) onMessage(message);
    });
    return { send: (packet) => socket.send(packet, server.port, server.host), reliable: false, close: () => socket.close() };
  }
  const stream =
    server.transport === 'tls'
      ? connectTls({
          host: server.host,
          port: server.port,
          servername: isIPv4(server.host) || isIPv6(server.host) ? undefined : server.host,
        })
      : connectTcp({ host: server.host, port: server.port });
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    // A filtered port never refuses: give up instead of waiting for the kernel's minutes.
    stream.setTimeout(CONNECT_TIMEOUT_MS, () => stream.destroy(new Error(`no connection within ${CONNECT_TIMEOUT_MS / 1000} s`)));
    stream.once(server.transport === 'tls' ? 'secureConnect' : 'connect', () => {
      stream.setTimeout(0);
      resolve();
    });
  });
  stream.on('error', () => {}); // a later failure shows as an unanswered request
  let buffered = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    // STUN over a stream: each message's length is in its header (RFC 8489 §6.2.2).
    while (buffered.length >= 20) {
      const size = 20 + buffered.readUInt16BE(2);
      if (buffered.length < size) break;
      const message = decode(buffered.subarray(0, size));
      buffered = buffered.subarray(size);
      if (message) onMessage(message);
    }
  });
  return { send: (packet) => stream.write(packet), reliable: true, close: () => stream.destroy() };
}

/** One client, i.e. one 5-tuple: at most one allocation, then permissions on it. */
export class TurnClient {
  readonly #channel: Channel;
  readonly #pending: Map<string, (message: Message) => void>;
  #auth: { username: string; realm: Buffer; nonce: Buffer; key: Buffer } | null = null;

  private constructor(channel: Channel, pending: Map<string, (message: Message) => void>) {
    this.#channel = channel;
    this.#pending = pending;
  }

  /** A client of the TURN server at `host:port` over UDP, or over `server`'s transport. */
  static async open(host: string | TurnServerAddress, port = 3478): Promise<TurnClient> {
    const server = typeof host === 'string' ? { host, port, transport: 'udp' as const } : host;
    const pending = new Map<string, (message: Message) => void>();
    const channel = await openChannel(server, (message) => pending.get(message.transactionId.toString('hex'))?.(message));
    return new TurnClient(channel, pending);
  }

  /**
   * Allocate a relayed address. The first try carries no credentials: the server answers 401 with the
   * REALM and NONCE that the long-term credential mechanism then signs with MD5(username:realm:password).
   */
  async allocate(
    credentials: TurnCredentials,
    options: { transport?: keyof typeof TRANSPORT; family?: 4 | 6 } = {},
  ): Promise<TurnResult> {
    const transport = Buffer.from([TRANSPORT[options.transport ?? 'udp'], 0, 0, 0]);
    const attributes: Attribute[] = [{ type: ATTR.requestedTransport, value: transport }];
    if (options.family === 6) attributes.push({ type: ATTR.requestedAddressFamily, value: Buffer.from([0x02, 0, 0, 0]) });
    const first = await this.#transact(METHOD.allocate, attributes, false);
    const unsigned = this.#result(METHOD.allocate, first);
    if (unsigned.ok || unsigned.code !== 401) return unsigned;
    const realm = attribute(first, ATTR.realm);
    const nonce = attribute(first, ATTR.nonce);
    if (!realm || !nonce) throw new Error('401 without REALM or NONCE');
    const key = createHash('md5')
      .update(`${credentials.username}:${realm.toString('utf8')}:${credentials.password}`)
      .digest();
    this.#auth = { username: credentials.username, realm, nonce, key };
    return this.#signed(METHOD.allocate, attributes);
  }

  /** Ask to exchange data with `peerIp` (any port): 403 Forbidden when the server denies that peer. */
  async createPermission(peerIp: string): Promise<TurnResult> {
    if (!this.#auth) throw new Error('allocate first');
    // The port is ignored for permissions (RFC 8656 §9); the transaction id is filled in per request.
    return this.#signed(METHOD.createPermission, [], (transactionId) => [
      { type: ATTR.xorPeerAddress, value: xorAddress(peerIp, 9, transactionId) },
    ]);
  }

  close(): void {
    this.#channel.close();
  }

  /** A request with the credentials; a 438 (Stale Nonce) brings a fresh nonce and one more try. */
  async #signed(
    method: number,
    attributes: Attribute[],
    perTransaction: (transactionId: Buffer) => Attribute[] = () => [],
    retried = false,
  ): Promise<TurnResult> {
    const response = await this.#transact(method, attributes, true, perTransaction);
    const result = this.#result(method, response);
    const nonce = attribute(response, ATTR.nonce);
    if (!result.ok && result.code === 438 && nonce && this.#auth && !retried) {
      this.#auth.nonce = nonce;
      return this.#signed(method, attributes, perTransaction, true);
    }
    return result;
  }

  #result(method: number, response: Message): TurnResult {
    if (response.type === (method | SUCCESS_CLASS)) return { ok: true };
    if (response.type === (method | ERROR_CLASS)) return errorOf(response);
    throw new Error(`unexpected STUN message type 0x${response.type.toString(16)}`);
  }

  /** Sends a request and waits for its answer, retransmitting over UDP after 250 ms, 750 ms, 1750 ms. */
  async #transact(
    method: number,
    attributes: Attribute[],
    sign: boolean,
    perTransaction: (transactionId: Buffer) => Attribute[] = () => [],
  ): Promise<Message> {
    const transactionId = randomBytes(12);
    const auth = this.#auth;
    const all = [...attributes, ...perTransaction(transactionId)];
    if (sign && auth) {
      all.push(
        { type: ATTR.username, value: Buffer.from(auth.username) },
        { type: ATTR.realm, value: auth.realm },
        { type: ATTR.nonce, value: auth.nonce },
      );
    }
    const packet = encode(method, transactionId, all, sign ? auth?.key : undefined);
    const id = transactionId.toString('hex');
    return new Promise<Message>((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      const done = () => {
        for (const t of timers) clearTimeout(t);
        this.#pending.delete(id);
      };
      this.#pending.set(id, (message) => {
        done();
        resolve(message);
      });
      const send = () => this.#channel.send(packet);
      send();
      if (!this.#channel.reliable) for (const ms of [250, 750, 1750]) timers.push(setTimeout(send, ms));
      timers.push(
        setTimeout(() => {
          done();
          reject(new Error(`no answer from the TURN server to method 0x${method.toString(16)}`));
        }, 3000),
      );
    });
  }
}
