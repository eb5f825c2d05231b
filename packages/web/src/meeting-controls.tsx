import type { Conference, KnockingPerson, MemberInfo, ModerationNotice, RoomSettings } from '@sotto/client';
import { useRef, useState } from 'preact/hooks';

const KIND_NAME = { audio: 'microphone', video: 'camera' } as const;

/**
 * Our role and hand, the meeting's settings, the lobby and what moderators ask of us, as state
 * for the UI. `onMuted` releases a source a moderator switched off.
 */
export function useMeetingControls(
  notify: (text: string) => void,
  nameOf: (id: string) => string,
  onMuted: (kind: 'audio' | 'video') => void,
) {
  const [self, setSelf] = useState<MemberInfo | null>(null);
  const [settings, setSettings] = useState<RoomSettings>({ locked: false, lobby: false, passwordSet: false });
  const [knocking, setKnocking] = useState<readonly KnockingPerson[]>([]);
  const [asked, setAsked] = useState<ModerationNotice | null>(null);
  const names = useRef(nameOf);
  names.current = nameOf;

  const attach = (c: Conference) => {
    c.controls.on('self', (info) => {
      setSelf((before) => {
        if (before && before.role !== 'moderator' && info.role === 'moderator') notify('You are now a moderator');
        if (before?.hand !== null && before?.hand !== undefined && info.hand === null) notify('Your hand was lowered');
        return info;
      });
    });
    c.controls.on('settings', setSettings);
    c.controls.on('lobby', (list) => {
      setKnocking((before) => {
        for (const person of list)
          if (!before.some((b) => b.knockId === person.knockId)) notify(`${person.name} is waiting in the lobby`);
        return list;
      });
    });
    c.controls.on('moderation', (notice) => {
      const who = names.current(notice.by);
      if (notice.request === 'muted') {
        onMuted(notice.kind);
        notify(`${who} turned off your ${KIND_NAME[notice.kind]}`);
      } else {
        setAsked(notice);
      }
    });
  };

  return { self, settings, knocking, asked, dismissAsk: () => setAsked(null), attach };
}

/** "Ana asks you to turn on your microphone": the person decides. */
export function UnmuteRequest({
  notice,
  from,
  onAccept,
  onDecline,
}: {
  notice: ModerationNotice;
  from: string;
  onAccept: () => void;
  onDecline: () => void;
}) {
  return (
    <div class="unmute-request" role="alertdialog" aria-label="Request to unmute">
      <p>
        {from} asks you to turn on your {KIND_NAME[notice.kind]}.
      </p>
      <div class="row">
        <button type="button" class="primary" onClick={onAccept}>
          Turn it on
        </button>
        <button type="button" onClick={onDecline}>
          Not now
        </button>
      </div>
    </div>
  );
}
