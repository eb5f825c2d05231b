import type { DeviceLists, LocalMedia } from '@sotto/client';
import { listDevices, openLocalMedia } from '@sotto/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { explain } from './media-error.ts';
import { VideoView } from './video-view.tsx';

const NAME_KEY = 'sotto.displayName';

interface Props {
  room: string;
  /** `e2ee` false: start the meeting without end-to-end encryption (if the server allows it). */
  onJoin: (displayName: string, media: LocalMedia, e2ee: boolean) => void;
}

/** Whether this server lets a meeting be started without E2EE (it says so in /config.json). */
function useUnencryptedAllowed(): boolean {
  const [allowed, setAllowed] = useState(false);
  useEffect(() => {
    fetch('/config.json')
      .then((r) => r.json())
      .then((config: { allowUnencrypted?: unknown }) => setAllowed(config.allowUnencrypted === true))
      .catch(() => {});
  }, []);
  return allowed;
}

/** Camera preview, mic and camera toggles, device pickers, a name, and Join. */
export function PreJoin({ room, onJoin }: Props) {
  const [micOn, setMicOn] = useState(true);
  const [camOn, setCamOn] = useState(true);
  const [micId, setMicId] = useState<string | undefined>();
  const [camId, setCamId] = useState<string | undefined>();
  const [media, setMedia] = useState<LocalMedia>({ microphone: null, camera: null });
  const [devices, setDevices] = useState<DeviceLists>({ microphones: [], cameras: [] });
  const [error, setError] = useState<string | null>(null);
  /** False while devices are opening: joining then would join without them. */
  const [ready, setReady] = useState(false);
  const [name, setName] = useState(() => localStorage.getItem(NAME_KEY) ?? '');
  const unencryptedAllowed = useUnencryptedAllowed();
  const [e2ee, setE2ee] = useState(true);
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

  const join = (e: Event) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed || !ready) return;
    localStorage.setItem(NAME_KEY, trimmed);
    handedOver.current = true;
    onJoin(trimmed, current.current, e2ee || !unencryptedAllowed);
  };

  return (
    <main class="prejoin">
      <h1>Join “{room}”</h1>
      <div class="preview">
        {media.camera ? <VideoView track={media.camera} mirror /> : <div class="avatar big">{camOn ? '…' : 'Camera off'}</div>}
      </div>
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      <form class="join-form" onSubmit={join}>
        <div class="row">
          <button type="button" aria-pressed={micOn} onClick={() => setMicOn(!micOn)}>
            {micOn ? 'Microphone on' : 'Microphone off'}
          </button>
          <button type="button" aria-pressed={camOn} onClick={() => setCamOn(!camOn)}>
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
