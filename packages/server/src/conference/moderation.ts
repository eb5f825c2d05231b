import type { ModerationAction } from '@sotto/protocol';
import { ProtocolError } from '../errors.ts';
import type { Member } from './member.ts';
import type { RoomGate } from './room-gate.ts';

/** What moderation needs from its room. */
export interface ModeratedRoom {
  readonly gate: RoomGate;
  member(memberId: string): Member | undefined;
  members(): Iterable<Member>;
  /** Mutes a member's source for everyone (forwarded to nobody until they turn it on). */
  muteByModerator(target: Member, kind: 'audio' | 'video', by: Member): void;
  askToUnmute(target: Member, kind: 'audio' | 'video', by: Member): void;
  /** Everyone, the member included, learns its new role or hand. */
  memberChanged(member: Member): void;
  remove(memberId: string, reason: 'kicked'): void;
  settingsChanged(): void;
  lobbyChanged(): void;
  endMeeting(): void;
}

/**
 * The one place where a permission is decided: every moderation action needs the moderator role,
 * checked here before anything else happens; a member without it gets `forbidden`.
 */
export function authorize(actor: Member, action: ModerationAction): void {
  if (actor.role !== 'moderator') {
    throw new ProtocolError('forbidden', `only a moderator may do this (${action.type})`);
  }
}

/** Carries out a moderator's action (docs/moderation.md). */
export function moderate(room: ModeratedRoom, actor: Member, action: ModerationAction): void {
  authorize(actor, action);
  switch (action.type) {
    case 'mute':
      room.muteByModerator(target(room, action.memberId), action.kind, actor);
      return;
    case 'mute-all':
      for (const member of room.members()) if (member !== actor) room.muteByModerator(member, action.kind, actor);
      return;
    case 'ask-unmute':
      room.askToUnmute(target(room, action.memberId), action.kind, actor);
      return;
    case 'remove': {
      const member = target(room, action.memberId);
      if (member === actor) throw new ProtocolError('bad-state', 'to leave, use leave');
      room.remove(member.id, 'kicked');
      return;
    }
    case 'grant-moderator': {
      const member = target(room, action.memberId);
      if (member.role === 'moderator') return;
      member.role = 'moderator';
      room.memberChanged(member);
      return;
    }
    case 'lower-hand': {
      const member = target(room, action.memberId);
      if (member.hand === null) return;
      member.hand = null;
      room.memberChanged(member);
      return;
    }
    case 'lock':
      room.gate.locked = action.locked;
      room.settingsChanged();
      return;
    case 'set-password':
      room.gate.setPassword(action.password);
      room.settingsChanged();
      return;
    case 'lobby':
      room.gate.setLobby(action.enabled);
      room.settingsChanged();
      room.lobbyChanged();
      return;
    case 'admit':
    case 'deny':
      if (!room.gate.answer(action.knockId, action.type === 'admit'))
        throw new ProtocolError('unknown-member', 'nobody with that id is waiting in the lobby');
      room.lobbyChanged();
      return;
    case 'end-meeting':
      room.endMeeting();
      return;
  }
}

function target(room: ModeratedRoom, memberId: string): Member {
  const member = room.member(memberId);
  if (!member) throw new ProtocolError('unknown-member', 'no such member in this meeting');
  return member;
}
