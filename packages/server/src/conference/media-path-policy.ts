import type { IceServerInfo, P2pMode, ServerMessage } from '@sotto/protocol';
import { relayOnlyCandidate, relayOnlySdp, strictest } from '@sotto/protocol';
import { ProtocolError } from '../errors.ts';

/** Two people must have been alone together this long before media moves to peer to peer. */
export const P2P_DELAY_MS = 1500;

interface Signal {
  session: number;
  description?: { type: 'offer' | 'answer'; sdp: string } | undefined;
  candidate?: { candidate: string; mid: string } | undefined;
}

type Send = (memberId: string, message: ServerMessage) => void;

export interface MediaPathPolicyOptions {
  delayMs?: number;
  /** TURN credentials for one member; without them `relay` is impossible and counts as `off`. */
  credentials?: (memberId: string) => IceServerInfo[];
}

/**
 * Where a room's media goes (docs/media-path.md). With exactly two members whose modes (and the
 * room's) allow it, media goes peer to peer after a short delay; any other count, through the
 * bridge at once. The server relays the peers' signals, and in `relay` mode strips from them
 * everything that could reveal an IP address.
 */
export class MediaPathPolicy {
  readonly #roomMode: P2pMode;
  readonly #send: Send;
  readonly #delayMs: number;
  readonly #members = new Map<string, P2pMode>();
  #timer: NodeJS.Timeout | null = null;
  #session = 0;
  /** The pair in peer to peer now, and how. */
  #active: { a: string; b: string; mode: 'relay' | 'direct'; session: number } | null = null;

  readonly #credentials: ((memberId: string) => IceServerInfo[]) | null;

  constructor(roomMode: P2pMode, send: Send, options: MediaPathPolicyOptions = {}) {
    this.#roomMode = roomMode;
    this.#send = send;
    this.#delayMs = options.delayMs ?? P2P_DELAY_MS;
    this.#credentials = options.credentials ?? null;
  }

  get roomMode(): P2pMode {
    return this.#roomMode;
  }

  /** The current peer-to-peer pair, if any (for tests and /health). */
  get active(): { members: [string, string]; mode: 'relay' | 'direct' } | null {
    return this.#active ? { members: [this.#active.a, this.#active.b], mode: this.#active.mode } : null;
  }

  memberJoined(memberId: string, mode: P2pMode): void {
    this.#members.set(memberId, mode);
    this.#evaluate();
  }

  memberLeft(memberId: string): void {
    this.#members.delete(memberId);
    this.#evaluate();
  }

  /** A signal from `from` to its peer; refused unless they are in that session now. */
  signal(from: string, signal: Signal): void {
    const active = this.#active;
    if (!active || active.session !== signal.session || (from !== active.a && from !== active.b)) {
      throw new ProtocolError('bad-state', 'no peer-to-peer session with that number');
    }
    const to = from === active.a ? active.b : active.a;
    let { description, candidate } = signal;
    if (active.mode === 'relay') {
      if (description) description = { type: description.type, sdp: relayOnlySdp(description.sdp) };
      if (candidate) {
        const relayed = relayOnlyCandidate(candidate.candidate);
        if (relayed === null) return; // A host or server-reflexive candidate: never passed on.
        candidate = { candidate: relayed, mid: candidate.mid };
      }
    }
    this.#send(to, {
      type: 'p2p-signal',
      from,
      session: active.session,
      ...(description ? { description } : {}),
      ...(candidate ? { candidate } : {}),
    });
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #pairMode(): 'relay' | 'direct' | null {
    if (this.#members.size !== 2) return null;
    const mode = strictest(this.#roomMode, ...this.#members.values());
    if (mode === 'relay' && !this.#credentials) return null; // Relay needs TURN.
    return mode === 'off' ? null : mode;
  }

  #evaluate(): void {
    const mode = this.#pairMode();
    const [a, b] = [...this.#members.keys()];
    const same = this.#active && mode === this.#active.mode && a === this.#active.a && b === this.#active.b;
    if (same) return;
    if (this.#active) {
      const { a: was1, b: was2 } = this.#active;
      this.#active = null;
      for (const id of [was1, was2]) if (this.#members.has(id)) this.#send(id, { type: 'media-path', path: 'bridge' });
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (!mode || !a || !b) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      const session = ++this.#session;
      this.#active = { a, b, mode, session };
      // TURN credentials now, and only for these two: nobody else ever needs them.
      const iceServers = (id: string) => this.#credentials?.(id) ?? [];
      this.#send(a, { type: 'media-path', path: 'p2p', session, peer: b, mode, offerer: true, iceServers: iceServers(a) });
      this.#send(b, { type: 'media-path', path: 'p2p', session, peer: a, mode, offerer: false, iceServers: iceServers(b) });
    }, this.#delayMs);
  }
}
