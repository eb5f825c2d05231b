import type { E2eeStatus, LocalMedia, MediaPathInfo, RemoteParticipant } from '@sotto/client';
import { Conference, ConferenceError } from '@sotto/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ChatPanel, useChat } from './chat-panel.tsx';
import { AudioOutput, DevicesDialog } from './devices-dialog.tsx';
import { useEmbedBridge } from './embed/use-embed-bridge.ts';
import { EncryptionStatus, keyStanding } from './encryption-status.tsx';
import { useLocalMedia } from './local-media.ts';
import { explain } from './media-error.ts';
import { MediaPathStatus, pathLabel } from './media-path-status.tsx';
import { UnmuteRequest, useMeetingControls } from './meeting-controls.tsx';
import { MeetingFailed, WaitingInLobby } from './meeting-status-screens.tsx';
import { MeetingToolbar } from './meeting-toolbar.tsx';
import { Notices, useNotices } from './notices.tsx';
import { ParticipantsPanel } from './participants-panel.tsx';
import { e2eeNow, effectsLabel, ipAddressNow } from './privacy-facts.ts';
import { PrivacyDialog } from './privacy-panel.tsx';
import { usePrivacySettings } from './privacy-settings.ts';
import { useReactions } from './reactions.tsx';
import { ShortcutHelp, useShortcuts } from './shortcuts.tsx';
import { Tile } from './tile.tsx';
import { TileArea } from './tile-area.tsx';
import { usePrivacyEffects } from './use-privacy-effects.ts';

interface Props {
  room: string;
  displayName: string;
  media: LocalMedia;
  /** Ask for a meeting without E2EE when starting it (see PreJoin). */
  e2ee: boolean;
  /** How far we allow peer to peer (see PreJoin). */
  p2p: 'off' | 'relay' | 'direct';
  /** The meeting's password, when the person gave one. */
  password?: string | undefined;
  /** A room token (from the embedding page, or typed in), when there is one. */
  token?: string | undefined;
  onLeave: () => void;
  /** The meeting needs a password, or the one given was wrong: ask for it (`message` says which). */
  onNeedsPassword: (message: string) => void;
}

const SELF = 'self';
const SPEAKING_HINT_EVERY_MS = 15_000;

type Status =
  | { kind: 'joining' }
  | { kind: 'lobby' }
  | { kind: 'joined' }
  | { kind: 'reconnecting' }
  | { kind: 'failed'; message: string };

/** The meeting: a tile per person, our own preview, and the toolbar. */
export function Meeting({ room, displayName, media, e2ee: wantE2ee, p2p, password, token, onLeave, onNeedsPassword }: Props) {
  const conference = useRef<Conference | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'joining' });
  const [participants, setParticipants] = useState<RemoteParticipant[]>([]);
  const [speaker, setSpeaker] = useState<string | null>(null);
  const [layout, setLayout] = useState<'grid' | 'speaker'>('grid');
  const [pinned, setPinned] = useState<string | null>(null);
  const [e2ee, setE2ee] = useState<E2eeStatus | null>(null);
  const [verifiedCode, setVerifiedCode] = useState<string | null>(null);
  const reactions = useReactions();
  const [path, setPath] = useState<MediaPathInfo | null>(null);
  const notices = useNotices();
  const chat = useChat();
  const [panel, setPanel] = useState(false);
  const [selfView, setSelfView] = useState(true);
  const [devicesOpen, setDevicesOpen] = useState(false);
  const [audioOutput, setAudioOutput] = useState<string | undefined>(undefined);
  const lastHint = useRef(Number.NEGATIVE_INFINITY);
  const local = useLocalMedia(
    () => conference.current,
    media,
    notices.show,
    () => {
      // Said once, then not again for a while: a reminder, not a nag.
      if (performance.now() - lastHint.current < SPEAKING_HINT_EVERY_MS) return;
      lastHint.current = performance.now();
      notices.show('You are speaking while muted. Press M to unmute.');
    },
  );
  const { microphone, camera } = local;
  const [privacy, setPrivacy] = usePrivacySettings();
  const [privacyOpen, setPrivacyOpen] = useState(false);
  const effects = usePrivacyEffects(
    () => conference.current,
    privacy,
    media.camera,
    (source, text) => {
      notices.show(text);
      local.switchedOff(source === 'camera' ? 'video' : 'audio');
    },
  );
  const selfId = conference.current?.selfId ?? null;
  const nameOf = (id: string) =>
    id === selfId
      ? `${displayName} (you)`
      : (participants.find((p) => p.id === id)?.name ?? `someone not in the meeting (${id.slice(0, 6)})`);
  const controls = useMeetingControls(notices.show, nameOf, local.switchedOff);

  useEffect(() => {
    const c = new Conference({
      room,
      displayName,
      e2ee: wantE2ee,
      p2p,
      ...(password ? { password } : {}),
      ...(token ? { token } : {}),
    });
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
      if (state === 'reconnecting' || state === 'joined' || state === 'lobby') setStatus({ kind: state });
    });
    controls.attach(c);
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
    // The effects go on first: nothing unprocessed is sent, not even for a moment.
    effects
      .attach(c)
      .then(() => c.join({ microphone: media.microphone, camera: media.camera }))
      .then(
        () => {
          // The server may already have let go of us again (then the SDK is rejoining).
          setStatus(c.state === 'reconnecting' ? { kind: 'reconnecting' } : { kind: 'joined' });
          setE2ee(c.e2ee);
          setPath(c.mediaPath);
          refresh();
        },
        (error: unknown) => {
          const code = error instanceof ConferenceError ? error.code : null;
          if (code === 'password-required' || code === 'wrong-password') onNeedsPassword(explain(error));
          else setStatus({ kind: 'failed', message: explain(error) });
        },
      );
    return () => {
      window.removeEventListener('pagehide', leaveOnExit);
      c.leave();
      local.release();
    };
  }, []);

  const hangup = () => {
    conference.current?.leave();
    onLeave();
  };
  useEmbedBridge(
    () => conference.current,
    {
      toggleAudio: () => void local.toggle('audio'),
      toggleVideo: () => void local.toggle('video'),
      toggleShareScreen: () => void local.toggleScreen(),
      hangup,
      toggleTileView: () => setLayout((l) => (l === 'grid' ? 'speaker' : 'grid')),
      toggleRaiseHand: () => void toggleHand(),
      pinParticipant: (id) => togglePin(id ?? pinned ?? ''),
      toggleChat: () => chat.setOpen(!chat.open),
      setBlurredBackground: (on) => setPrivacy({ background: on ? 'blur' : 'none' }),
    },
    { room, displayName, microphone: !!microphone, camera: !!camera, screen: !!local.screen },
  );

  // One stable callback per participant, so tiles do not re-subscribe their observers on render.
  const sizeReporters = useRef(new Map<string, (w: number, h: number) => void>());
  const sizeReporter = (id: string, source: 'camera' | 'screen' = 'camera') => {
    const key = `${id}:${source}`;
    let reporter = sizeReporters.current.get(key);
    if (!reporter) {
      reporter = (w: number, h: number) => conference.current?.setRenderedSize(id, w, h, source);
      sizeReporters.current.set(key, reporter);
    }
    return reporter;
  };

  // A screen someone starts sharing is shown large to everyone (T goes back to the grid).
  const sharing = participants.filter((p) => p.screenSharing && p.screenTrack);
  const newestScreen = sharing.at(-1)?.id ?? null;
  useEffect(() => {
    if (newestScreen) setLayout('speaker');
  }, [newestScreen]);

  if (status.kind === 'failed') return <MeetingFailed message={status.message} />;

  const [helpOpen, setHelpOpen] = useState(false);
  const handRaised = controls.self?.hand != null;
  const toggleHand = () =>
    conference.current?.controls.raiseHand(!handRaised).catch(() => notices.show('Your hand could not be raised.'));
  useShortcuts({
    microphone: () => void local.toggle('audio'),
    camera: () => void local.toggle('video'),
    chat: () => chat.setOpen(!chat.open),
    view: () => setLayout(layout === 'grid' ? 'speaker' : 'grid'),
    hand: () => void toggleHand(),
    participants: () => setPanel(!panel),
    help: () => setHelpOpen(!helpOpen),
    talk: local.talk,
    escape: () => setHelpOpen(false),
  });

  const togglePin = (id: string) => {
    const next = pinned === id ? null : id;
    setPinned(next);
    conference.current?.pin(next ? [next] : []);
  };

  const count = participants.length + 1;
  // A raised hand's place in the queue everyone sees (1 = first).
  const handQueue = [...participants, ...(controls.self ? [controls.self] : [])]
    .filter((p) => p.hand !== null)
    .sort((a, b) => (a.hand ?? 0) - (b.hand ?? 0))
    .map((p) => p.id);
  const handOf = (id: string | null) => (id && handQueue.includes(id) ? handQueue.indexOf(id) + 1 : null);
  if (status.kind === 'lobby') return <WaitingInLobby onLeave={onLeave} />;
  // Speaker view: the pinned person, else a shared screen, else the dominant speaker (not ourselves), else the first.
  const screenKey = newestScreen ? `${newestScreen}:screen` : null;
  const focusId =
    layout === 'speaker'
      ? (pinned ?? screenKey ?? (speaker && speaker !== selfId ? speaker : null) ?? participants[0]?.id ?? null)
      : null;
  const ordered = focusId ? [...participants].sort((a, b) => Number(b.id === focusId) - Number(a.id === focusId)) : participants;
  const screenTiles = sharing.map((p) => ({
    key: `${p.id}:screen`,
    node: (
      <Tile
        participantId={p.id}
        name={`${p.name}’s screen`}
        videoTrack={p.screenTrack}
        audioTrack={null}
        audioMuted={false}
        onVideoSize={sizeReporter(p.id, 'screen')}
        focused={focusId === `${p.id}:screen`}
        screen
      />
    ),
  }));
  return (
    <AudioOutput.Provider value={audioOutput}>
      <main class="meeting">
        <header class="meeting-bar">
          <span class="room-name">{room}</span>
          {controls.settings.locked && <span class="tag">Locked</span>}
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
              verifiedCode={verifiedCode}
              onVerified={setVerifiedCode}
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
        <TileArea
          layout={layout}
          focusKey={focusId}
          tiles={[
            ...screenTiles,
            ...ordered.map((p) => ({
              key: p.id,
              node: (
                <Tile
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
                  hand={handOf(p.id)}
                />
              ),
            })),
            ...(selfView
              ? [
                  {
                    key: SELF,
                    node: (
                      <Tile
                        name={`${displayName} (you)`}
                        videoTrack={effects.ownVideo}
                        effects={effectsLabel(privacy, !!camera, !!microphone)}
                        audioTrack={null}
                        audioMuted={!microphone}
                        speaking={speaker !== null && speaker === selfId}
                        reaction={reactions.of(SELF)}
                        hand={handOf(selfId)}
                        self
                      />
                    ),
                  },
                ]
              : []),
            ...(local.screen
              ? [
                  {
                    key: `${SELF}:screen`,
                    node: <Tile name="Your screen" videoTrack={local.screen} audioTrack={null} audioMuted={false} screen />,
                  },
                ]
              : []),
          ]}
        />
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
        {panel && conference.current && (
          <ParticipantsPanel
            conference={conference.current}
            participants={participants}
            self={controls.self}
            selfName={displayName}
            settings={controls.settings}
            knocking={controls.knocking}
            keys={(id) => keyStanding(e2ee, verifiedCode, id)}
            onError={notices.show}
            onClose={() => setPanel(false)}
          />
        )}
        {controls.asked && (
          <UnmuteRequest
            notice={controls.asked}
            from={nameOf(controls.asked.by)}
            onAccept={() => {
              const kind = controls.asked?.kind ?? 'audio';
              controls.dismissAsk();
              if (!(kind === 'audio' ? microphone : camera)) void local.toggle(kind);
            }}
            onDecline={controls.dismissAsk}
          />
        )}
        {helpOpen && <ShortcutHelp onClose={() => setHelpOpen(false)} />}
        {devicesOpen && (
          <DevicesDialog
            microphone={local.devices.microphone ?? microphone?.getSettings().deviceId}
            camera={local.devices.camera ?? camera?.getSettings().deviceId}
            speaker={audioOutput}
            onMicrophone={(id) => void local.switchDevice('audio', id)}
            onCamera={(id) => void local.switchDevice('video', id)}
            onSpeaker={setAudioOutput}
            onClose={() => setDevicesOpen(false)}
          />
        )}
        {privacyOpen && (
          <PrivacyDialog
            settings={privacy}
            onChange={setPrivacy}
            problem={effects.problem}
            ownVoice={effects.ownVoice}
            facts={{ camera: !!camera, microphone: !!microphone, ipAddress: ipAddressNow(path), e2ee: e2eeNow(e2ee) }}
            onClose={() => setPrivacyOpen(false)}
          />
        )}
        <Notices notices={notices.list} />
        <MeetingToolbar
          microphone={!!microphone}
          camera={!!camera}
          sharing={!!local.screen}
          handRaised={handRaised}
          knocking={controls.knocking.length}
          unread={chat.unread}
          panel={panel}
          chatOpen={chat.open}
          layout={layout}
          selfView={selfView}
          speakingHint={local.speakingHint}
          on={{
            microphone: () => void local.toggle('audio'),
            camera: () => void local.toggle('video'),
            screen: () => void local.toggleScreen(),
            hand: () => void toggleHand(),
            react: (emoji) => {
              reactions.show(SELF, emoji);
              conference.current?.react(emoji).catch(() => notices.show('Your reaction could not be sent.'));
            },
            panel: () => setPanel(!panel),
            chat: () => chat.setOpen(!chat.open),
            layout: () => setLayout(layout === 'grid' ? 'speaker' : 'grid'),
            selfView: setSelfView,
            speakingHint: local.setSpeakingHint,
            shortcuts: () => setHelpOpen(true),
            devices: () => setDevicesOpen(true),
            privacy: () => setPrivacyOpen(true),
            leave: hangup,
          }}
        />
      </main>
    </AudioOutput.Provider>
  );
}
