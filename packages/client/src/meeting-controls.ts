import type { MemberInfo, ModerationAction, RequestOf, RoomSettings } from '@sotto/protocol';
import { Emitter } from './emitter.ts';
import type { ServerEvent } from './signaling-client.ts';

/** Someone waiting in the lobby (seen by moderators). */
export interface KnockingPerson {
  knockId: string;
  name: string;
}

/** A moderator muted us (`muted`: already switched off here) or asks us to unmute (we decide). */
export interface ModerationNotice {
  request: 'muted' | 'ask-unmute';
  kind: 'audio' | 'video';
  /** The moderator's participant id. */
  by: string;
}

export interface MeetingControlsEvents {
  /** Our role or raised hand changed. */
  self: [MemberInfo];
  /** The meeting's lock, password or lobby changed. */
  settings: [RoomSettings];
  /** Who is knocking now (moderators only). */
  lobby: [KnockingPerson[]];
  moderation: [ModerationNotice];
}

type Request = (message: RequestOf<'moderate'> | RequestOf<'raise-hand'>) => Promise<unknown>;
type ControlEvent = Extract<ServerEvent, { type: 'room-state' | 'lobby' | 'moderation' }>;

const NO_SETTINGS: RoomSettings = { locked: false, lobby: false, passwordSet: false };

/**
 * Hands, roles and moderation of the meeting we are in: our own role and hand, the meeting's
 * settings, the lobby, and the moderator's actions. The server decides every permission; a
 * request we may not make rejects with a RequestError of code `forbidden`.
 */
export class MeetingControls extends Emitter<MeetingControlsEvents> {
  readonly #request: Request;
  readonly #switchOff: (kind: 'audio' | 'video') => Promise<void>;
  #self: MemberInfo | null = null;
  #settings: RoomSettings = NO_SETTINGS;
  #knocking: KnockingPerson[] = [];

  /** `switchOff` turns our own microphone or camera off when a moderator mutes it. */
  constructor(request: Request, switchOff: (kind: 'audio' | 'video') => Promise<void>) {
    super();
    this.#request = request;
    this.#switchOff = switchOff;
  }

  /** Ourselves as the others see us (role, hand), once joined. */
  get self(): MemberInfo | null {
    return this.#self;
  }

  get isModerator(): boolean {
    return this.#self?.role === 'moderator';
  }

  get settings(): RoomSettings {
    return this.#settings;
  }

  get knocking(): readonly KnockingPerson[] {
    return this.#knocking;
  }

  /** A membership started (join reply). */
  start(self: MemberInfo, settings: RoomSettings): void {
    this.#knocking = [];
    this.updateSelf(self);
    this.#settings = settings;
    this.emit('settings', settings);
  }

  updateSelf(self: MemberInfo): void {
    this.#self = self;
    this.emit('self', self);
  }

  handle(event: ControlEvent): void {
    if (event.type === 'room-state') {
      this.#settings = event.settings;
      this.emit('settings', event.settings);
    } else if (event.type === 'lobby') {
      this.#knocking = event.knocking;
      this.emit('lobby', event.knocking);
    } else {
      const notice: ModerationNotice = { request: event.request, kind: event.kind, by: event.by };
      // The server already forwards nothing of it; switching it off here makes that visible.
      if (notice.request === 'muted') this.#switchOff(notice.kind).finally(() => this.emit('moderation', notice));
      else this.emit('moderation', notice);
    }
  }

  raiseHand(raised: boolean): Promise<unknown> {
    return this.#request({ type: 'raise-hand', raised });
  }

  mute(participantId: string, kind: 'audio' | 'video'): Promise<unknown> {
    return this.#moderate({ type: 'mute', memberId: participantId, kind });
  }

  muteEveryone(kind: 'audio' | 'video'): Promise<unknown> {
    return this.#moderate({ type: 'mute-all', kind });
  }

  askToUnmute(participantId: string, kind: 'audio' | 'video'): Promise<unknown> {
    return this.#moderate({ type: 'ask-unmute', memberId: participantId, kind });
  }

  remove(participantId: string): Promise<unknown> {
    return this.#moderate({ type: 'remove', memberId: participantId });
  }

  grantModerator(participantId: string): Promise<unknown> {
    return this.#moderate({ type: 'grant-moderator', memberId: participantId });
  }

  lowerHand(participantId: string): Promise<unknown> {
    return this.#moderate({ type: 'lower-hand', memberId: participantId });
  }

  setLocked(locked: boolean): Promise<unknown> {
    return this.#moderate({ type: 'lock', locked });
  }

  /** Newcomers must give `password`; null removes it. */
  setPassword(password: string | null): Promise<unknown> {
    return this.#moderate({ type: 'set-password', password });
  }

  setLobby(enabled: boolean): Promise<unknown> {
    return this.#moderate({ type: 'lobby', enabled });
  }

  admit(knockId: string): Promise<unknown> {
    return this.#moderate({ type: 'admit', knockId });
  }

  deny(knockId: string): Promise<unknown> {
    return this.#moderate({ type: 'deny', knockId });
  }

  endMeeting(): Promise<unknown> {
    return this.#moderate({ type: 'end-meeting' });
  }

  #moderate(action: ModerationAction): Promise<unknown> {
    return this.#request({ type: 'moderate', action });
  }
}
