import type { MemberInfo, RemovalReason, Role, ServerMessage } from '@sotto/protocol';
import { RateLimiter } from '../signaling/rate-limiter.ts';

/**
 * Media restarts (Room.restartMedia) a member gets: three at once, then one a minute. Each one
 * costs the server new engine connections, and a client whose media keeps failing is better off
 * joining afresh; past the budget the member is removed (`media-lost`) or its request refused.
 */
export const MEDIA_RESTART_BUDGET = { burst: 3, perSecond: 1 / 60 } as const;

/** How the room reaches a member's client; implemented by the signaling session. */
export interface MemberChannel {
  send(message: ServerMessage): void;
  /** The room no longer holds this member (for `reason`): the session must forget the room. */
  removed(reason: RemovalReason): void;
  /** Another socket resumed this membership: this session must forget the room (and close). */
  replaced?(): void;
}

/** A participant in a room, as the conference layer sees them. */
export class Member {
  readonly id: string;
  readonly name: string;
  /** Whichever socket speaks for the member now (or a queue while it has none: see Room.detach). */
  channel: MemberChannel;
  /** SHA-256 of the member's resume token: the token itself is never kept. */
  readonly resumeTokenHash: Buffer;
  audioMuted = false;
  videoMuted = false;
  screenSharing = false;
  role: Role = 'participant';
  /** The raised hand's place in the room's queue; null when down. */
  hand: number | null = null;
  readonly mediaRestarts = new RateLimiter(MEDIA_RESTART_BUDGET.burst, MEDIA_RESTART_BUDGET.perSecond, Date.now());

  constructor(id: string, name: string, channel: MemberChannel, resumeTokenHash: Buffer) {
    this.id = id;
    this.name = name;
    this.channel = channel;
    this.resumeTokenHash = resumeTokenHash;
  }

  info(): MemberInfo {
    return {
      id: this.id,
      name: this.name,
      audioMuted: this.audioMuted,
      videoMuted: this.videoMuted,
      screenSharing: this.screenSharing,
      role: this.role,
      hand: this.hand,
    };
  }
}
