import type { MemberInfo, RemovalReason, ServerMessage } from '@sotto/protocol';

/** How the room reaches a member's client; implemented by the signaling session. */
export interface MemberChannel {
  send(message: ServerMessage): void;
  /** The room no longer holds this member (for `reason`): the session must forget the room. */
  removed(reason: RemovalReason): void;
}

/** A participant in a room, as the conference layer sees them. */
export class Member {
  readonly id: string;
  readonly name: string;
  readonly channel: MemberChannel;
  audioMuted = false;
  videoMuted = false;

  constructor(id: string, name: string, channel: MemberChannel) {
    this.id = id;
    this.name = name;
    this.channel = channel;
  }

  info(): MemberInfo {
    return { id: this.id, name: this.name, audioMuted: this.audioMuted, videoMuted: this.videoMuted };
  }
}
