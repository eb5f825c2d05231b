import type { Conference, KnockingPerson, MemberInfo, RemoteParticipant, RoomSettings } from '@sotto/client';
import { useState } from 'preact/hooks';
import { StatsDetails, useParticipantStats } from './participant-stats-view.tsx';

interface Props {
  conference: Conference;
  participants: readonly RemoteParticipant[];
  self: MemberInfo | null;
  selfName: string;
  settings: RoomSettings;
  knocking: readonly KnockingPerson[];
  /** Where a participant stands in the encryption ("Verified", …); null without E2EE. */
  keys: (id: string) => string | null;
  onError: (text: string) => void;
  onClose: () => void;
}

type Person = Pick<MemberInfo, 'id' | 'name' | 'role' | 'hand' | 'audioMuted' | 'videoMuted'> & { isSelf: boolean };

/** Raised hands first, in the order they went up; then everyone in join order. */
function byHand(a: Person, b: Person): number {
  return (a.hand ?? Number.POSITIVE_INFINITY) - (b.hand ?? Number.POSITIVE_INFINITY);
}

/**
 * Everyone in the meeting (muted, hand, moderator) and, for moderators, what they can do: per
 * person, for the whole meeting, and the lobby. The server decides; a refusal is shown.
 */
export function ParticipantsPanel(props: Props) {
  const { conference, participants, self, selfName, settings, knocking, keys, onError, onClose } = props;
  const controls = conference.controls;
  const moderator = self?.role === 'moderator';
  const act = (what: string, action: () => Promise<unknown>) =>
    action().catch((error: unknown) => onError(`Could not ${what}: ${(error as Error).message}`));
  const people: Person[] = [
    ...(self ? [{ ...self, name: `${selfName} (you)`, isSelf: true }] : []),
    ...participants.map((p) => ({ ...p, isSelf: false })),
  ].sort(byHand);
  const hands = people.filter((p) => p.hand !== null);
  const stats = useParticipantStats(
    conference,
    participants.map((p) => p.id),
  );

  return (
    <aside
      class="side-panel participants-panel"
      aria-label="Participants"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header>
        <h2>Participants ({people.length})</h2>
        <button type="button" onClick={onClose} aria-label="Close the participants list">
          ✕
        </button>
      </header>
      {moderator && knocking.length > 0 && (
        <section aria-label="Lobby">
          <h3>Waiting in the lobby</h3>
          <ul class="people">
            {knocking.map((k) => (
              <li key={k.knockId}>
                <span class="name">{k.name}</span>
                <button type="button" onClick={() => act('admit', () => controls.admit(k.knockId))}>
                  Admit {k.name}
                </button>
                <button type="button" onClick={() => act('deny', () => controls.deny(k.knockId))}>
                  Deny {k.name}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <ul class="people">
        {people.map((p) => (
          <li key={p.id} data-participant-id={p.isSelf ? undefined : p.id}>
            <span class="name">{p.name}</span>
            {p.role === 'moderator' && <span class="tag">Moderator</span>}
            {p.hand !== null && (
              <span class="tag hand" role="img" aria-label={`Hand raised, ${hands.indexOf(p) + 1} in the queue`}>
                ✋ {hands.indexOf(p) + 1}
              </span>
            )}
            {p.audioMuted && <span class="tag">Mic off</span>}
            {p.videoMuted && <span class="tag">Camera off</span>}
            {!p.isSelf && keys(p.id) && <span class="tag">{keys(p.id)}</span>}
            {!p.isSelf && <StatsDetails name={p.name} stats={stats.get(p.id)} />}
            {moderator && !p.isSelf && <PersonActions person={p} conference={conference} act={act} />}
          </li>
        ))}
      </ul>
      {moderator && <MeetingActions conference={conference} settings={settings} act={act} />}
    </aside>
  );
}

type Act = (what: string, action: () => Promise<unknown>) => void;

function PersonActions({ person: p, conference, act }: { person: Person; conference: Conference; act: Act }) {
  const controls = conference.controls;
  return (
    <span class="actions">
      {p.audioMuted ? (
        <button type="button" onClick={() => act('ask', () => controls.askToUnmute(p.id, 'audio'))}>
          Ask {p.name} to unmute
        </button>
      ) : (
        <button type="button" onClick={() => act('mute', () => controls.mute(p.id, 'audio'))}>
          Mute {p.name}
        </button>
      )}
      {!p.videoMuted && (
        <button type="button" onClick={() => act('stop the camera', () => controls.mute(p.id, 'video'))}>
          Stop {p.name}’s camera
        </button>
      )}
      {p.hand !== null && (
        <button type="button" onClick={() => act('lower the hand', () => controls.lowerHand(p.id))}>
          Lower {p.name}’s hand
        </button>
      )}
      {p.role !== 'moderator' && (
        <button type="button" onClick={() => act('make moderator', () => controls.grantModerator(p.id))}>
          Make {p.name} a moderator
        </button>
      )}
      <button type="button" class="danger" onClick={() => act('remove', () => controls.remove(p.id))}>
        Remove {p.name}
      </button>
    </span>
  );
}

function MeetingActions({ conference, settings, act }: { conference: Conference; settings: RoomSettings; act: Act }) {
  const controls = conference.controls;
  const [password, setPassword] = useState('');
  return (
    <section class="meeting-actions" aria-label="Meeting settings">
      <h3>Meeting</h3>
      <button type="button" onClick={() => act('mute everyone', () => controls.muteEveryone('audio'))}>
        Mute everyone
      </button>
      <button type="button" onClick={() => act('stop cameras', () => controls.muteEveryone('video'))}>
        Stop everyone’s camera
      </button>
      <button
        type="button"
        aria-pressed={settings.locked}
        onClick={() => act('lock', () => controls.setLocked(!settings.locked))}
      >
        {settings.locked ? 'Unlock the meeting' : 'Lock the meeting'}
      </button>
      <button
        type="button"
        aria-pressed={settings.lobby}
        onClick={() => act('change the lobby', () => controls.setLobby(!settings.lobby))}
      >
        {settings.lobby ? 'Turn the lobby off' : 'Turn the lobby on'}
      </button>
      {settings.passwordSet ? (
        <button type="button" onClick={() => act('remove the password', () => controls.setPassword(null))}>
          Remove the password
        </button>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (password) act('set the password', () => controls.setPassword(password).then(() => setPassword('')));
          }}
        >
          <label>
            Meeting password
            <input type="password" value={password} maxLength={128} onInput={(e) => setPassword(e.currentTarget.value)} />
          </label>
          <button type="submit">Set the password</button>
        </form>
      )}
      <button
        type="button"
        class="danger"
        onClick={() => {
          if (confirm('End the meeting for everyone?')) act('end the meeting', () => controls.endMeeting());
        }}
      >
        End the meeting for all
      </button>
    </section>
  );
}
