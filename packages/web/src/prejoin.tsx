import type { DeviceLists, LocalMedia } from '@sotto/client';
import { listDevices, openLocalMedia } from '@sotto/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { deviceStorage } from './device-storage.ts';
import type { EmbedOptions } from './embed/embed-messages.ts';
import { explain } from './media-error.ts';
import { e2eePlan, ipAddressPlan } from './privacy-facts.ts';
import { PrivacyPanel } from './privacy-panel.tsx';
import { usePrivacySettings } from './privacy-settings.ts';
import { useEffectPreview } from './use-effect-preview.ts';
import { VideoView } from './video-view.tsx';

const NAME_KEY = 'sotto.displayName';

export type P2pChoice = 'off' | 'relay' | 'direct';
const P2P_CHOICES: ReadonlyArray<[P2pChoice, string]> = [
  ['off', 'Always through the server'],
  ['relay', 'Peer to peer via a relay (your IP address stays hidden)'],
  ['direct', 'Peer to peer, direct (the other person sees your IP address)'],
];

interface Props {
  room: string;
  /** The meeting needs a password (or the last one was wrong): why, shown above its field. */
  passwordPrompt?: string | undefined;
  /** The options of the page that embeds this meeting (iframe API), once it said hello. */
  embedded?: EmbedOptions | null;
  /**
   * `e2ee` false: start the meeting without end-to-end encryption (if the server allows it).
   * `p2p`: how far we allow media to go peer to peer when two are in the meeting.
   */
  onJoin: (displayName: string, media: LocalMedia, e2ee: boolean, p2p: P2pChoice, password?: string, token?: string) => void;
}

interface ServerChoices {
  allowUnencrypted: boolean;
  p2p: P2pChoice;
  /** A TURN server is configured: `relay` is possible. */
  turn: boolean;
  /** Who may start and join meetings without a room token (docs/auth.md). */
  auth: 'open' | 'create' | 'all';
}

/**
 * The least exposing choice the server offers: `relay` (the other person never learns our
 * address; TURN sees it, as the server does anyway) when there is TURN, otherwise `off`. Peer to
 * peer direct is only ever chosen by the person.
 */
function defaultP2p(server: ServerChoices): P2pChoice {
  return server.p2p !== 'off' && server.turn ? 'relay' : 'off';
}

/** What this server lets people choose (it says so in /config.json). */
function useServerChoices(): ServerChoices {
  const [choices, setChoices] = useState<ServerChoices>({ allowUnencrypted: false, p2p: 'off', turn: false, auth: 'open' });
  useEffect(() => {
    fetch('/config.json')
      .then((r) => r.json())
      .then((config: { allowUnencrypted?: unknown; p2p?: unknown; turn?: unknown; auth?: unknown }) =>
        setChoices({
          allowUnencrypted: config.allowUnencrypted === true,
          p2p: P2P_CHOICES.some(([m]) => m === config.p2p) ? (config.p2p as P2pChoice) : 'off',
          turn: config.turn === true,
          auth: config.auth === 'create' || config.auth === 'all' ? config.auth : 'open',
        }),
      )
      .catch(() => {});
  }, []);
  return choices;
}

/** Camera preview, mic and camera toggles, device pickers, a name, and Join. */
export function PreJoin({ room, passwordPrompt, onJoin, embedded = null }: Props) {
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [micOn, setMicOn] = useState(true);
  const [camOn, setCamOn] = useState(true);
  const [micId, setMicId] = useState<string | undefined>();
  const [camId, setCamId] = useState<string | undefined>();
  const [media, setMedia] = useState<LocalMedia>({ microphone: null, camera: null });
  const [devices, setDevices] = useState<DeviceLists>({ microphones: [], cameras: [], speakers: [] });
  const [error, setError] = useState<string | null>(null);
  /** False while devices are opening: joining then would join without them. */
  const [ready, setReady] = useState(false);
  const [name, setName] = useState(() => deviceStorage.get(NAME_KEY) ?? '');
  const server = useServerChoices();
  const unencryptedAllowed = server.allowUnencrypted;
  const [e2ee, setE2ee] = useState(true);
  const [p2p, setP2p] = useState<P2pChoice | null>(null);
  const allowedP2p = P2P_CHOICES.slice(0, P2P_CHOICES.findIndex(([m]) => m === server.p2p) + 1).filter(
    ([m]) => m !== 'relay' || server.turn,
  );
  const [privacy, setPrivacy] = usePrivacySettings();
  const preview = useEffectPreview(media.camera, privacy);
  const handedOver = useRef(false);
  const current = useRef(media);
  current.current = media;

  useEffect(() => {
    let cancelled = false;
    setError(null);
    setReady(false);
    openLocalMedia({ audio: micOn ? { deviceId: micId } : false, video: camOn ? { deviceId: camId } : false })
      .then(async (opened) => {
        if (cancelled) {
          stopAll(opened);
          return;
        }
        setMedia(opened);
        setReady(true);
        setDevices(await listDevices());
      })
      .catch((e: unknown) => {
        if (!cancelled) {
          setMedia({ microphone: null, camera: null });
          setError(explain(e));
          setReady(true);
        }
      });
    return () => {
      cancelled = true;
    };
  }, [micOn, camOn, micId, camId]);

  // Release the previous tracks whenever new ones replace them, and on leaving this screen.
  useEffect(
    () => () => {
      if (!handedOver.current) stopAll(media);
    },
    [media],
  );

  const join = (e?: Event) => {
    e?.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || !ready || handedOver.current) return;
    deviceStorage.set(NAME_KEY, trimmed);
    handedOver.current = true;
    // Only what is switched on goes along (a track still open from before a toggle is closed).
    const { microphone, camera } = current.current;
    if (!micOn) microphone?.stop();
    if (!camOn) camera?.stop();
    const chosen = { microphone: micOn ? microphone : null, camera: camOn ? camera : null };
    onJoin(
      trimmed,
      chosen,
      e2ee || !unencryptedAllowed,
      p2p ?? defaultP2p(server),
      password || undefined,
      token.trim() || undefined,
    );
  };

  // The embedding page's options (the iframe API): the name, devices off, no peer to peer, and
  // joining without this screen. Applied first, joined on a later render, with them in effect.
  const [embedApplied, setEmbedApplied] = useState(false);
  useEffect(() => {
    if (!embedded) return;
    if (embedded.displayName) setName(embedded.displayName);
    if (embedded.startWithAudioMuted) setMicOn(false);
    if (embedded.startWithVideoMuted) setCamOn(false);
    if (embedded.p2p === false) setP2p('off');
    setEmbedApplied(true);
  }, [embedded]);
  useEffect(() => {
    if (embedApplied && embedded?.prejoinPageEnabled === false && !passwordPrompt) join();
  }, [embedApplied, ready, name]);

  return (
    <main class="prejoin">
      <h1>Join “{room}”</h1>
      <div class="preview">
        {preview.shown ? <VideoView track={preview.shown} mirror /> : <div class="avatar big">{camOn ? '…' : 'Camera off'}</div>}
      </div>
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      <form class="join-form" onSubmit={join}>
        <div class="row">
          <button type="button" class="device" aria-pressed={micOn} onClick={() => setMicOn(!micOn)}>
            {micOn ? 'Microphone on' : 'Microphone off'}
          </button>
          <button type="button" class="device" aria-pressed={camOn} onClick={() => setCamOn(!camOn)}>
            {camOn ? 'Camera on' : 'Camera off'}
          </button>
        </div>
        <div class="row">
          <label>
            Microphone{' '}
            <select
              aria-label="Microphone"
              value={micId ?? media.microphone?.getSettings().deviceId ?? ''}
              onChange={(e) => setMicId(e.currentTarget.value)}
            >
              {devices.microphones.map((d, i) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.label || `Microphone ${i + 1}`}
                </option>
              ))}
            </select>
          </label>
          <label>
            Camera{' '}
            <select
              aria-label="Camera"
              value={camId ?? media.camera?.getSettings().deviceId ?? ''}
              onChange={(e) => setCamId(e.currentTarget.value)}
            >
              {devices.cameras.map((d, i) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.label || `Camera ${i + 1}`}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label class="name">
          Your name
          <input value={name} maxLength={64} required onInput={(e) => setName(e.currentTarget.value)} autoComplete="nickname" />
        </label>
        {server.auth !== 'open' && !embedded?.jwt && (
          <label class="name">
            Room token{server.auth === 'create' ? ' (needed to start a meeting)' : ''}
            <input
              type="password"
              value={token}
              maxLength={8192}
              autoComplete="off"
              onInput={(e) => setToken(e.currentTarget.value)}
            />
          </label>
        )}
        {passwordPrompt && (
          <label class="name">
            <span role="alert">{passwordPrompt}</span>
            Meeting password
            <input
              type="password"
              value={password}
              maxLength={128}
              required
              autoComplete="off"
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
        )}
        {unencryptedAllowed && (
          <label class="e2ee-choice">
            <input type="checkbox" checked={e2ee} onChange={(e) => setE2ee(e.currentTarget.checked)} /> End-to-end encryption
            <span class="hint">
              {e2ee
                ? ' Only the participants can see and hear the meeting.'
                : ' Off: the server could see and hear this meeting. Applies when you start it; a meeting already running keeps its setting.'}
            </span>
          </label>
        )}
        {allowedP2p.length > 1 && (
          <label class="e2ee-choice">
            When only two of you are in the meeting{' '}
            <select
              aria-label="When only two of you are in the meeting"
              value={p2p ?? defaultP2p(server)}
              onChange={(e) => setP2p(e.currentTarget.value as P2pChoice)}
            >
              {allowedP2p.map(([mode, label]) => (
                <option key={mode} value={mode}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        )}
        <details class="privacy-details">
          <summary>Privacy: background, voice, and what others learn about you</summary>
          <PrivacyPanel
            settings={privacy}
            onChange={setPrivacy}
            problem={preview.problem}
            facts={{
              camera: !!media.camera,
              microphone: !!media.microphone,
              ipAddress: ipAddressPlan(p2p ?? defaultP2p(server)),
              e2ee: e2eePlan(e2ee || !unencryptedAllowed),
            }}
          />
        </details>
        <button type="submit" class="primary big" disabled={!name.trim() || !ready}>
          Join
        </button>
        {!ready && <p class="hint">Starting camera and microphone…</p>}
      </form>
    </main>
  );
}

function stopAll(media: LocalMedia): void {
  media.microphone?.stop();
  media.camera?.stop();
}
