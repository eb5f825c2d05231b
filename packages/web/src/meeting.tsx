import type { E2eeStatus, LocalMedia, MediaPathInfo, Reaction, RemoteParticipant } from '@sotto/client';
import { Conference, openLocalMedia, REACTIONS } from '@sotto/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ChatPanel, useChat } from './chat-panel.tsx';
import { EncryptionStatus } from './encryption-status.tsx';
import { explain } from './media-error.ts';
import { MediaPathStatus, pathLabel } from './media-path-status.tsx';
import { Notices, useNotices } from './notices.tsx';
import { ShortcutHelp, useShortcuts } from './shortcuts.tsx';
import { Tile } from './tile.tsx';

interface Props {
  room: string;
  displayName: string;
  media: LocalMedia;
  /** Ask for a meeting without E2EE when starting it (see PreJoin). */
  e2ee: boolean;
  /** How far we allow peer to peer (see PreJoin). */
  p2p: 'off' | 'relay' | 'direct';
  onLeave: () => void;
}

const SELF = 'self';
const REACTION_MS = 4000;

/** Reactions currently shown, by participant id (or SELF); each fades after a few seconds. */
function useReactions(): { of: (id: string) => Reaction | undefined; show: (id: string, emoji: Reaction) => void } {
  const [shown, setShown] = useState<ReadonlyMap<string, Reaction>>(new Map());
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const show = (id: string, emoji: Reaction) => {
    setShown((m) => new Map(m).set(id, emoji));
    clearTimeout(timers.current.get(id));
    timers.current.set(
      id,
      setTimeout(() => {
        setShown((m) => {
          const next = new Map(m);
          next.delete(id);
          return next;
        });
      }, REACTION_MS),
    );
  };
  return { of: (id) => shown.get(id), show };
}

type Status = { kind: 'joining' } | { kind: 'joined' } | { kind: 'reconnecting' } | { kind: 'failed'; message: string };

/** The meeting: a tile per person, our own preview, and the toolbar. */
export function Meeting({ room, displayName, media, e2ee: wantE2ee, p2p, onLeave }: Props) {
  const conference = useRef<Conference | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'joining' });
  const [participants, setParticipants] = useState<RemoteParticipant[]>([]);
  const [microphone, setMicrophone] = useState(media.microphone);
  const [camera, setCamera] = useState(media.camera);
  const [speaker, setSpeaker] = useState<string | null>(null);
  const [layout, setLayout] = useState<'grid' | 'speaker'>('grid');
  const [pinned, setPinned] = useState<string | null>(null);
  const [e2ee, setE2ee] = useState<E2eeStatus | null>(null);
  const reactions = useReactions();
  const [picking, setPicking] = useState(false);
  const [path, setPath] = useState<MediaPathInfo | null>(null);
  const notices = useNotices();
  const chat = useChat();
  const local = useRef({ microphone, camera });
  local.current = { microphone, camera };

  useEffect(() => {
    const c = new Conference({ room, displayName, e2ee: wantE2ee, p2p });
    conference.current = c;
    (window as unknown as { sottoConference?: Conference }).sottoConference = c;
    const refresh = () => setParticipants([...c.participants.values()]);
    c.on('participant-joined', (p) => {
      refresh();
      if (c.state === 'joined') notices.show(`${p.name} joined`);
    });
    c.on('participant-left', (p) => {
      refresh();
      notices.show(`${p.name} left`);
    });
    c.on('participant-updated', refresh);
    c.on('disconnected', (error) => setStatus({ kind: 'failed', message: explain(error) }));
    c.on('state', (state) => {
      if (state === 'reconnecting') setStatus({ kind: 'reconnecting' });
      else if (state === 'joined') setStatus({ kind: 'joined' });
    });
    // Closing the tab or leaving the page is leaving the meeting: the others see it at once.
    const leaveOnExit = () => c.leave();
    window.addEventListener('pagehide', leaveOnExit);
    c.on('dominant-speaker', setSpeaker);
    c.on('e2ee', setE2ee);
    c.on('reaction', reactions.show);
    c.on('chat', (message) => {
      // With the chat closed, a notice says who wrote (and screen readers announce it).
      if (chat.add(message, message.from === c.selfId)) {
        const name = c.participants.get(message.from)?.name ?? 'Someone';
        notices.show(`${message.to ? 'Private message' : 'Message'} from ${name}`);
      }
    });
    c.on('media-path', (info) => {
      setPath(info);
      notices.show(`Media now goes ${pathLabel(info).replace(/^./, (ch) => ch.toLowerCase())}`);
    });
    c.join({ microphone: media.microphone, camera: media.camera }).then(
      () => {
        // The server may already have let go of us again (then the SDK is rejoining).
        setStatus(c.state === 'reconnecting' ? { kind: 'reconnecting' } : { kind: 'joined' });
        setE2ee(c.e2ee);
        setPath(c.mediaPath);
        refresh();
      },
      (error: unknown) => setStatus({ kind: 'failed', message: explain(error) }),
    );
    return () => {
      window.removeEventListener('pagehide', leaveOnExit);
      c.leave();
      local.current.microphone?.stop();
      local.current.camera?.stop();
    };
  }, []);

  // One stable callback per participant, so tiles do not re-subscribe their observers on render.
  const sizeReporters = useRef(new Map<string, (w: number, h: number) => void>());
  const sizeReporter = (id: string) => {
    let reporter = sizeReporters.current.get(id);
    if (!reporter) {
      reporter = (w: number, h: number) => conference.current?.setRenderedSize(id, w, h);
      sizeReporters.current.set(id, reporter);
    }
    return reporter;
  };

  const toggleMicrophone = async () => {
    const c = conference.current;
    if (!c) return;
    if (microphone) {
      microphone.stop();
      setMicrophone(null);
      await c.setMicrophone(null);
      return;
    }
    try {
      const { microphone: track } = await openLocalMedia({ audio: true, video: false });
      setMicrophone(track);
      await c.setMicrophone(track);
    } catch (error) {
      notices.show(explain(error));
    }
  };

  const toggleCamera = async () => {
    const c = conference.current;
    if (!c) return;
    if (camera) {
      camera.stop();
      setCamera(null);
      await c.setCamera(null);
      return;
    }
    try {
      const { camera: track } = await openLocalMedia({ audio: false, video: true });
      setCamera(track);
      await c.setCamera(track);
    } catch (error) {
      notices.show(explain(error));
    }
  };

  if (status.kind === 'failed') {
    return (
      <main class="centered">
        <p class="notice error" role="alert">
          {status.message}
        </p>
        <div class="row">
          <button type="button" class="primary" onClick={() => location.reload()}>
            Rejoin
          </button>
          <a class="button" href="/">
            Home
          </a>
        </div>
      </main>
    );
  }

  // Space held while muted: the microphone is on until it is released (even a tap shorter than
  // opening the microphone ends muted).
  const talking = useRef<Promise<MediaStreamTrack | null> | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const talk = (held: boolean) => {
    const c = conference.current;
    if (!c) return;
    if (held && !microphone && !talking.current) {
      talking.current = openLocalMedia({ audio: true, video: false }).then(
        async ({ microphone: track }) => {
          setMicrophone(track);
          await c.setMicrophone(track);
          return track;
        },
        () => null,
      );
    } else if (!held && talking.current) {
      const pending = talking.current;
      talking.current = null;
      pending.then(async (track) => {
        if (!track) return;
        track.stop();
        setMicrophone(null);
        await c.setMicrophone(null);
      });
    }
  };
  useShortcuts({
    microphone: () => void toggleMicrophone(),
    camera: () => void toggleCamera(),
    chat: () => chat.setOpen(!chat.open),
    view: () => setLayout(layout === 'grid' ? 'speaker' : 'grid'),
    help: () => setHelpOpen(!helpOpen),
    talk,
    escape: () => setHelpOpen(false),
  });

  const togglePin = (id: string) => {
    const next = pinned === id ? null : id;
    setPinned(next);
    conference.current?.pin(next ? [next] : []);
  };

  const count = participants.length + 1;
  const selfId = conference.current?.selfId ?? null;
  const nameOf = (id: string) =>
    id === selfId
      ? `${displayName} (you)`
      : (participants.find((p) => p.id === id)?.name ?? `someone not in the meeting (${id.slice(0, 6)})`);
  // Speaker view: the pinned person, else the dominant speaker (not ourselves), else the first.
  const focusId =
    layout === 'speaker' ? (pinned ?? (speaker && speaker !== selfId ? speaker : null) ?? participants[0]?.id ?? null) : null;
  const ordered = focusId ? [...participants].sort((a, b) => Number(b.id === focusId) - Number(a.id === focusId)) : participants;
  return (
    <main class="meeting">
      <header class="meeting-bar">
        <span class="room-name">{room}</span>
        <span class="status" data-status={status.kind}>
          {status.kind === 'joining'
            ? 'Joining…'
            : status.kind === 'reconnecting'
              ? 'Reconnecting…'
              : `${count} ${count === 1 ? 'person' : 'people'}`}
        </span>
        {e2ee && (
          <EncryptionStatus
            status={e2ee}
            nameOf={nameOf}
            onNewCode={() => notices.show('The verification code changed: compare it again.')}
          />
        )}
        {path && (
          <MediaPathStatus
            info={path}
            peerName={participants.find((p) => p.id === path.peer)?.name ?? 'the other person'}
            e2ee={e2ee?.state ?? 'joining'}
          />
        )}
      </header>
      {status.kind === 'reconnecting' && (
        <p class="notice warning" role="status">
          Reconnecting… The meeting goes on as soon as the connection is back.
        </p>
      )}
      {e2ee?.state === 'off' && (
        <p class="notice warning" role="status">
          This meeting is not end-to-end encrypted: the server could see and hear it.
        </p>
      )}
      <section class={`grid ${layout === 'speaker' ? 'speaker-view' : ''}`} data-count={count} aria-label="Participants">
        {ordered.map((p) => (
          <Tile
            key={p.id}
            participantId={p.id}
            name={p.name}
            videoTrack={p.videoMuted ? null : p.cameraTrack}
            audioTrack={p.audioTrack}
            audioMuted={p.audioMuted}
            onVideoSize={sizeReporter(p.id)}
            speaking={p.id === speaker}
            focused={p.id === focusId}
            pinned={p.id === pinned}
            onTogglePin={() => togglePin(p.id)}
            reaction={reactions.of(p.id)}
          />
        ))}
        <Tile
          name={`${displayName} (you)`}
          videoTrack={camera}
          audioTrack={null}
          audioMuted={!microphone}
          speaking={speaker !== null && speaker === selfId}
          reaction={reactions.of(SELF)}
          self
        />
      </section>
      {chat.open && conference.current && (
        <ChatPanel
          conference={conference.current}
          messages={chat.messages}
          participants={participants}
          encrypted={e2ee !== null && e2ee.state !== 'off'}
          onClose={() => chat.setOpen(false)}
          onError={notices.show}
        />
      )}
      {helpOpen && <ShortcutHelp onClose={() => setHelpOpen(false)} />}
      <Notices notices={notices.list} />
      <footer class="toolbar">
        <button type="button" aria-pressed={!!microphone} onClick={toggleMicrophone}>
          {microphone ? 'Mute' : 'Unmute'}
        </button>
        <button type="button" aria-pressed={!!camera} onClick={toggleCamera}>
          {camera ? 'Stop camera' : 'Start camera'}
        </button>
        <div class="reactions">
          <button type="button" aria-expanded={picking} onClick={() => setPicking(!picking)}>
            React
          </button>
          {picking && (
            <div class="reaction-picker">
              {REACTIONS.map((emoji) => (
                <button
                  type="button"
                  key={emoji}
                  aria-label={`React with ${emoji}`}
                  onClick={() => {
                    setPicking(false);
                    reactions.show(SELF, emoji);
                    conference.current?.react(emoji).catch(() => notices.show('Your reaction could not be sent.'));
                  }}
                >
                  {emoji}
                </button>
              ))}
            </div>
          )}
        </div>
        <button
          type="button"
          aria-pressed={chat.open}
          aria-label={chat.unread > 0 ? `Chat, ${chat.unread} unread` : 'Chat'}
          onClick={() => chat.setOpen(!chat.open)}
        >
          Chat
          {chat.unread > 0 && (
            <span class="badge" aria-hidden="true">
              {chat.unread}
            </span>
          )}
        </button>
        <button type="button" onClick={() => setLayout(layout === 'grid' ? 'speaker' : 'grid')}>
          {layout === 'grid' ? 'Speaker view' : 'Grid view'}
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => {
            conference.current?.leave();
            onLeave();
          }}
        >
          Leave
        </button>
      </footer>
    </main>
  );
}
