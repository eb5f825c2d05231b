import { randomBytes } from 'node:crypto';
import type { ClientMessage, ErrorCode, RemovalReason, ServerMessage } from '@sotto/protocol';
import { CLOSE_CODES, PROTOCOL_VERSION, parseClientMessage } from '@sotto/protocol';
import type { ConferenceService } from '../conference/conference-service.ts';
import type { Member, MemberChannel } from '../conference/member.ts';
import type { Room } from '../conference/room.ts';
import { ProtocolError } from '../errors.ts';
import { log } from '../log.ts';
import type { NetworkProbe } from '../sfu/network-probe.ts';
import { SdpError } from '../sfu/router.ts';
import { RateLimiter } from './rate-limiter.ts';

/** How long a socket that only tests its connection (no join) may stay. */
const PROBE_SOCKET_MS = 40_000;
/** Connection tests one socket may start (the /doctor page runs two). */
const PROBES_PER_SOCKET = 6;

/** The socket operations a session needs; implemented over `ws` by the signaling server. */
export interface SessionSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export interface SessionOptions {
  serverVersion: string;
  /** Messages allowed at once, and refilled per second. */
  rateBurst: number;
  ratePerSecond: number;
  /** Messages over the limit tolerated (answered with `rate-limited`) before the socket is closed. */
  rateStrikes: number;
  /** `hello` must come this soon after connecting, and `join` this soon after hello (ms). */
  helloDeadlineMs?: number;
  joinDeadlineMs?: number;
}

/** Wrong passwords one connection may try: three at once, then one every 5 s. */
export const CONNECTION_PASSWORD_ATTEMPTS = { burst: 3, perSecond: 0.2 } as const;
/** How long someone may wait in a lobby for an answer. */
const LOBBY_WAIT_MS = 10 * 60_000;

/** One strike is forgiven this often: a burst long ago does not count against a client forever. */
const STRIKE_DECAY_MS = 10_000;

/**
 * One signaling socket: validates every frame, keeps the hello → join → leave state, and hands
 * valid requests to the room. Nothing a client sends can throw out of here.
 */
export class Session {
  readonly #socket: SessionSocket;
  readonly #conference: ConferenceService;
  readonly #options: SessionOptions;
  readonly #limiter: RateLimiter;
  #strikes = 0;
  #lastStrikeDecay = Date.now();
  #deadline: ReturnType<typeof setTimeout> | null = null;
  #helloDone = false;
  #room: Room | null = null;
  #member: Member | null = null;
  /** Waiting in a room's lobby. */
  #knock: { room: Room; knockId: string } | null = null;
  readonly #passwordAttempts = new RateLimiter(
    CONNECTION_PASSWORD_ATTEMPTS.burst,
    CONNECTION_PASSWORD_ATTEMPTS.perSecond,
    Date.now(),
  );
  #closed = false;
  /** The socket's connection test (/doctor), if one runs. */
  #probe: NetworkProbe | null = null;
  #probesStarted = 0;

  constructor(socket: SessionSocket, conference: ConferenceService, options: SessionOptions) {
    this.#socket = socket;
    this.#conference = conference;
    this.#options = options;
    this.#limiter = new RateLimiter(options.rateBurst, options.ratePerSecond, Date.now());
    this.#armDeadline(options.helloDeadlineMs ?? 5_000, 'no hello in time');
  }

  /** Closes the socket unless the next step (hello, then join) comes within `ms`. */
  #armDeadline(ms: number, reason: string): void {
    if (this.#deadline) clearTimeout(this.#deadline);
    this.#deadline = setTimeout(() => this.close(CLOSE_CODES.deadline, reason), ms);
    this.#deadline.unref?.();
  }

  #clearDeadline(): void {
    if (this.#deadline) clearTimeout(this.#deadline);
    this.#deadline = null;
  }

  /** A text frame arrived. */
  onText(text: string): void {
    if (this.#closed) return;
    const now = Date.now();
    this.#decayStrikes(now);
    if (!this.#limiter.take(now)) {
      this.#strikes++;
      if (this.#strikes > this.#options.rateStrikes) {
        this.close(CLOSE_CODES.policy, 'too many messages');
        return;
      }
      this.#sendError(null, 'rate-limited', 'too many messages; slow down');
      return;
    }
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      this.#sendError(parsed.id, parsed.code, parsed.message);
      return;
    }
    this.#handle(parsed.message).catch((error: unknown) => this.#fail(parsed.message.id, error));
  }

  #decayStrikes(now: number): void {
    const periods = Math.floor((now - this.#lastStrikeDecay) / STRIKE_DECAY_MS);
    if (periods <= 0) return;
    this.#strikes = Math.max(0, this.#strikes - periods);
    this.#lastStrikeDecay += periods * STRIKE_DECAY_MS;
  }

  /** A binary frame arrived: not part of the protocol. */
  onBinary(): void {
    this.close(CLOSE_CODES.policy, 'binary frames are not accepted');
  }

  async #handle(message: ClientMessage): Promise<void> {
    if (message.type === 'hello') {
      if (this.#helloDone) throw new ProtocolError('already-hello', 'hello was already sent');
      if (message.protocol !== PROTOCOL_VERSION) {
        this.#sendError(
          message.id,
          'protocol-version',
          `this server speaks protocol ${PROTOCOL_VERSION}, not ${message.protocol}; reload the page`,
        );
        this.close(CLOSE_CODES.protocolVersion, 'protocol version mismatch');
        return;
      }
      this.#helloDone = true;
      this.#armDeadline(this.#options.joinDeadlineMs ?? 10_000, 'no join in time');
      this.#reply(message.id, { protocol: PROTOCOL_VERSION, server: this.#options.serverVersion });
      return;
    }
    if (!this.#helloDone) throw new ProtocolError('not-hello', 'send hello first');
    if (message.type === 'resume') {
      if (this.#member) throw new ProtocolError('already-joined', 'this connection already joined a meeting');
      const found = this.#conference.resume(message.token);
      if (!found) throw new ProtocolError('not-joined', 'nothing to resume: join the meeting again');
      const result = found.room.attach(found.memberId, this.#channel());
      this.#room = found.room;
      this.#member = found.room.member(found.memberId) ?? null;
      this.#clearDeadline();
      this.#reply(message.id, result);
      return;
    }
    if (message.type === 'join') {
      if (this.#member) throw new ProtocolError('already-joined', 'this connection already joined a meeting');
      const p2p = message.p2p ?? 'off';
      const tokens = this.#conference.tokens;
      const grant = await tokens.admit(message.token, message.room, this.#conference.existingRoom(message.room) !== undefined);
      if (this.#member) throw new ProtocolError('already-joined', 'this connection already joined a meeting');
      // The meeting may have ended while the token was checked: starting it again needs one.
      if (!grant) await tokens.admit(undefined, message.room, this.#conference.existingRoom(message.room) !== undefined);
      const room = this.#conference.room(message.room, message.e2ee ?? true, p2p);
      const { member, result } = this.#passwordAttempt(message.password, () =>
        room.join(
          grant?.name ?? message.name,
          this.#channel(),
          p2p,
          { password: message.password, ticket: message.ticket },
          grant?.moderator ?? false,
        ),
      );
      this.#withdrawKnock();
      this.#room = room;
      this.#member = member;
      this.#clearDeadline();
      this.#reply(message.id, result);
      room.startMedia(member.id);
      return;
    }
    if (message.type === 'knock') {
      if (this.#member || this.#knock) throw new ProtocolError('already-joined', 'this connection already joined or knocked');
      // Knocking is joining's first step: where everyone needs a token, so does a knock.
      if (this.#conference.tokens.mode === 'all') await this.#conference.tokens.admit(message.token, message.room, true);
      const room = this.#conference.existingRoom(message.room);
      if (!room) throw new ProtocolError('bad-state', 'this meeting is not running: join it');
      const knockId = randomBytes(9).toString('base64url');
      this.#passwordAttempt(message.password, () =>
        room.knock(
          { knockId, name: message.name, answer: (admitted, ticket) => this.#onKnockAnswer(admitted, ticket) },
          message.password,
        ),
      );
      this.#knock = { room, knockId };
      this.#armDeadline(LOBBY_WAIT_MS, 'nobody answered the knock');
      this.#reply(message.id, {});
      return;
    }
    if (message.type === 'probe') {
      if (++this.#probesStarted > PROBES_PER_SOCKET)
        throw new ProtocolError('rate-limited', `at most ${PROBES_PER_SOCKET} connection tests per connection`);
      this.#probe?.close();
      const { probe, sdp } = await this.#conference.openProbe(message.sdp);
      if (this.#closed) {
        probe.close();
        return;
      }
      this.#probe = probe;
      // A connection test needs no meeting: the socket may stay while it runs.
      if (!this.#member) this.#armDeadline(PROBE_SOCKET_MS, 'no join in time');
      this.#reply(message.id, { sdp });
      return;
    }
    if (message.type === 'ice-servers' && !this.#member) {
      // Short-lived credentials for a connection test through TURN (/doctor).
      this.#reply(message.id, { iceServers: this.#conference.probeIceServers() });
      return;
    }
    const room = this.#room;
    const member = this.#member;
    if (!room || !member) throw new ProtocolError('not-joined', 'join a meeting first');
    switch (message.type) {
      case 'leave':
        this.#leave();
        this.#reply(message.id, {});
        return;
      case 'publish': {
        const sdp = await room.publish(member.id, message.source, message.sdp);
        if (this.#member === member) this.#reply(message.id, { sdp });
        return;
      }
      case 'unpublish':
        room.unpublish(member.id, message.source);
        this.#reply(message.id, {});
        return;
      case 'answer':
        try {
          room.applyAnswer(member.id, message.revision, message.sdp);
        } catch (error) {
          if (error instanceof ProtocolError) throw error;
          throw new ProtocolError('bad-state', (error as Error).message);
        }
        this.#reply(message.id, {});
        return;
      case 'candidate':
        try {
          room.addCandidate(member.id, message.connection, message.candidate, message.mid);
        } catch (error) {
          if (error instanceof ProtocolError) throw error;
          throw new ProtocolError('bad-message', 'the candidate was not accepted');
        }
        this.#reply(message.id, {});
        return;
      case 'mute':
        room.setMuted(member.id, message.kind, message.muted);
        this.#reply(message.id, {});
        return;
      case 'relay':
        room.relay(member.id, message.to, message.payload);
        this.#reply(message.id, {});
        return;
      case 'view':
        room.setView(member.id, message.sources);
        this.#reply(message.id, {});
        return;
      case 'pin':
        room.setPins(member.id, message.memberIds);
        this.#reply(message.id, {});
        return;
      case 'raise-hand':
        room.raiseHand(member.id, message.raised);
        this.#reply(message.id, {});
        return;
      case 'moderate':
        room.moderate(member.id, message.action);
        this.#reply(message.id, {});
        return;
      case 'ice-servers':
        this.#reply(message.id, { iceServers: room.bridgeIceServers(member.id) });
        return;
      case 'restart-media':
        if (!room.restartMedia(member.id))
          throw new ProtocolError('rate-limited', 'too many media restarts: leave and join the meeting again');
        this.#reply(message.id, {});
        return;
      case 'mls-key-package':
        room.mlsKeyPackage(member.id, message.keyPackage);
        this.#reply(message.id, {});
        return;
      case 'mls-create':
        room.mlsCreate(member.id);
        this.#reply(message.id, {});
        return;
      case 'mls-commit':
        room.mlsCommit(member.id, message);
        this.#reply(message.id, {});
        return;
      case 'p2p-signal':
        room.p2pSignal(member.id, message);
        this.#reply(message.id, {});
        return;
    }
  }

  /** Runs a join or knock carrying `password`; wrong passwords are budgeted per connection too. */
  #passwordAttempt<T>(password: string | undefined, attempt: () => T): T {
    if (password !== undefined && !this.#passwordAttempts.available(Date.now()))
      throw new ProtocolError('rate-limited', 'too many wrong passwords; wait a moment');
    try {
      return attempt();
    } catch (error) {
      if (error instanceof ProtocolError && error.code === 'wrong-password') this.#passwordAttempts.take(Date.now());
      throw error;
    }
  }

  /** A moderator answered our knock: the client joins with the ticket, or is told no. */
  #onKnockAnswer(admitted: boolean, ticket: string | undefined): void {
    this.#knock = null;
    this.#send({ type: 'knock-answer', admitted, ...(ticket ? { ticket } : {}) });
    this.#armDeadline(this.#options.joinDeadlineMs ?? 10_000, 'no join in time');
  }

  #withdrawKnock(): void {
    const knock = this.#knock;
    this.#knock = null;
    knock?.room.withdrawKnock(knock.knockId);
  }

  #fail(id: number, error: unknown): void {
    if (error instanceof ProtocolError) this.#sendError(id, error.code, error.message);
    else if (error instanceof SdpError) this.#sendError(id, 'bad-sdp', error.message);
    else {
      // Engine errors can quote SDP (addresses): the message goes to debug level only.
      log.warn({ request: id, error: (error as Error)?.name }, 'request failed');
      log.debug({ err: (error as Error)?.message }, 'request failure detail');
      this.#sendError(id, 'internal', 'the server could not complete this request');
    }
  }

  #leave(why: RemovalReason = 'left'): void {
    const room = this.#room;
    const member = this.#member;
    this.#room = null;
    this.#member = null;
    if (room && member) room.remove(member.id, why);
  }

  /** How the room reaches this socket's member. */
  #channel(): MemberChannel {
    return {
      send: (m) => this.#send(m),
      removed: (reason) => this.#onRemoved(reason),
      replaced: () => {
        this.#room = null;
        this.#member = null;
        this.close(CLOSE_CODES.replaced, 'resumed on another connection');
      },
    };
  }

  /** The room let go of us: nothing more reaches it from this socket, and the client is told. */
  #onRemoved(reason: RemovalReason): void {
    const wasMember = this.#member !== null;
    this.#room = null;
    this.#member = null;
    if (wasMember && reason !== 'left') this.#send({ type: 'removed', reason });
  }

  #reply(id: number, result: unknown): void {
    this.#send({ type: 'ok', id, result });
  }

  #sendError(id: number | null, code: ErrorCode, message: string): void {
    this.#send({ type: 'error', id, code, message });
  }

  #send(message: ServerMessage): void {
    if (this.#closed) return;
    this.#socket.send(JSON.stringify(message));
  }

  /** Closes the socket (if still open) and leaves the room (for `why`). Idempotent. */
  close(code: number, reason: string, why: RemovalReason = 'left'): void {
    if (this.#closed) return;
    this.#clearDeadline();
    this.#probe?.close();
    this.#withdrawKnock();
    this.#leave(why);
    this.#closed = true;
    this.#socket.close(code, reason);
  }

  /**
   * The socket went away on its own. With a code up to 1010 (1000/1001: a tab closed, a page
   * left, the SDK's goodbye; 1008/1009: we closed it for abuse) the member has left. With 1006
   * (no close frame: a network blip, a dead peer cut off by the heartbeat) or 1011 and above (a
   * proxy or server restarting, whatever code it chose) it may come back: the room keeps it for
   * a grace period (Room.detach).
   */
  onSocketClosed(code = 1006): void {
    this.#clearDeadline();
    this.#probe?.close();
    this.#withdrawKnock();
    const room = this.#room;
    const member = this.#member;
    this.#room = null;
    this.#member = null;
    this.#closed = true;
    if (!room || !member) return;
    if (code === 1006 || code >= 1011) room.detach(member.id);
    else room.remove(member.id, 'left');
  }
}
