import type { Conference, LocalMedia } from '@sotto/client';
import { openLocalMedia, openScreen } from '@sotto/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { deviceStorage } from './device-storage.ts';
import { explain } from './media-error.ts';
import { detectSpeaking } from './speaking-detector.ts';

const HINT_KEY = 'sotto.speakingHint';

/**
 * Our microphone and camera during the meeting: on/off toggles (a track is opened when switched
 * on and stopped when switched off, so the browser's indicator tells the truth), push-to-talk,
 * and what a moderator's mute does here. With the "speaking while muted" hint on (the default),
 * a muted microphone stays open in this browser only — nothing of it is sent — so that the hint
 * can hear us; turned off, muting closes the microphone.
 */
export function useLocalMedia(
  conference: () => Conference | null,
  initial: LocalMedia,
  onError: (text: string) => void,
  onSpeakingWhileMuted: () => void,
) {
  const [microphone, setMicrophone] = useState(initial.microphone);
  const [camera, setCamera] = useState(initial.camera);
  const [screen, setScreen] = useState<MediaStreamTrack | null>(null);
  const current = useRef({ microphone, camera, screen });
  current.current = { microphone, camera, screen };
  const [speakingHint, setSpeakingHintState] = useState(() => deviceStorage.get(HINT_KEY) !== 'off');
  /** The muted microphone kept open for the hint, and the detector listening to it. */
  const mutedMic = useRef<{ track: MediaStreamTrack; stop: () => void } | null>(null);

  /** Muting: keeps the track for the hint (if on), else closes it. */
  const hold = (track: MediaStreamTrack) => {
    if (!speakingHint || track.readyState === 'ended') {
      track.stop();
      return;
    }
    mutedMic.current = { track, stop: detectSpeaking(track, onSpeakingWhileMuted) };
  };
  /** Unmuting: the held track, if it is still live (no new permission prompt, no delay). */
  const unhold = (): MediaStreamTrack | null => {
    const h = mutedMic.current;
    mutedMic.current = null;
    h?.stop();
    return h && h.track.readyState === 'live' ? h.track : null;
  };
  const setSpeakingHint = (on: boolean) => {
    deviceStorage.set(HINT_KEY, on ? 'on' : 'off');
    setSpeakingHintState(on);
    if (!on) unhold()?.stop();
  };

  /** Devices chosen during the meeting (absent: the browser's default). */
  const [devices, setDevices] = useState<{ microphone?: string; camera?: string }>({});
  const chosen = useRef(devices);
  chosen.current = devices;
  const open = async (kind: 'audio' | 'video') => {
    const deviceId = kind === 'audio' ? chosen.current.microphone : chosen.current.camera;
    const request = deviceId ? { deviceId } : true;
    const opened = await openLocalMedia({ audio: kind === 'audio' && request, video: kind === 'video' && request });
    return kind === 'audio' ? opened.microphone : opened.camera;
  };

  const set = async (kind: 'audio' | 'video', track: MediaStreamTrack | null) => {
    if (kind === 'audio') setMicrophone(track);
    else setCamera(track);
    const c = conference();
    if (kind === 'audio') await c?.setMicrophone(track);
    else await c?.setCamera(track);
  };

  const toggle = async (kind: 'audio' | 'video') => {
    const track = kind === 'audio' ? current.current.microphone : current.current.camera;
    if (track) {
      if (kind === 'audio') hold(track);
      else track.stop();
      await set(kind, null);
      return;
    }
    const kept = kind === 'audio' ? unhold() : null;
    if (kept) {
      await set('audio', kept);
      return;
    }
    try {
      await set(kind, await open(kind));
    } catch (error) {
      onError(explain(error));
    }
  };

  /** Another microphone or camera: used at once if that source is on, else when it is next turned on. */
  const switchDevice = async (kind: 'audio' | 'video', deviceId: string) => {
    setDevices((d) => ({ ...d, [kind === 'audio' ? 'microphone' : 'camera']: deviceId }));
    chosen.current = { ...chosen.current, [kind === 'audio' ? 'microphone' : 'camera']: deviceId };
    if (kind === 'audio') unhold()?.stop();
    const before = kind === 'audio' ? current.current.microphone : current.current.camera;
    if (!before) return;
    try {
      // The new device first: the others see no gap, and a failure leaves the old one on.
      await set(kind, await open(kind));
      before.stop();
    } catch (error) {
      onError(explain(error));
    }
  };

  // A device unplugged (or taken away by the system) ends its track: the source goes off, and we say so.
  useEffect(() => {
    const watch = (kind: 'audio' | 'video', track: MediaStreamTrack | null) => {
      if (!track) return () => {};
      const ended = () => {
        if ((kind === 'audio' ? current.current.microphone : current.current.camera) !== track) return;
        void set(kind, null);
        onError(
          `Your ${kind === 'audio' ? 'microphone' : 'camera'} stopped (unplugged, or taken by another program). Turn it on again to retry, or pick another under More → Devices.`,
        );
      };
      track.addEventListener('ended', ended);
      return () => track.removeEventListener('ended', ended);
    };
    const stops = [watch('audio', microphone), watch('video', camera)];
    return () => {
      for (const stop of stops) stop();
    };
  }, [microphone, camera]);

  // Space held while muted: the microphone is on until it is released (even a tap shorter than
  // opening the microphone ends muted).
  const talking = useRef<Promise<MediaStreamTrack | null> | null>(null);
  const talk = (held: boolean) => {
    if (held && !current.current.microphone && !talking.current) {
      const kept = unhold();
      talking.current = (kept ? Promise.resolve(kept) : open('audio')).then(
        async (track) => {
          await set('audio', track);
          return track;
        },
        () => null,
      );
    } else if (!held && talking.current) {
      const pending = talking.current;
      talking.current = null;
      pending.then(async (track) => {
        if (!track) return;
        hold(track);
        await set('audio', null);
      });
    }
  };

  /** A moderator muted us: the SDK already stopped sending it; the track is released here. */
  const switchedOff = (kind: 'audio' | 'video') => {
    const track = kind === 'audio' ? current.current.microphone : current.current.camera;
    if (track && kind === 'audio') hold(track);
    else track?.stop();
    if (kind === 'audio') setMicrophone(null);
    else setCamera(null);
  };

  /** Starts sharing (the browser asks what) or stops; the browser's own "Stop sharing" stops it too. */
  const screenAudio = useRef<MediaStreamTrack | null>(null);
  const stopSharing = async () => {
    current.current.screen?.stop();
    screenAudio.current?.stop();
    screenAudio.current = null;
    setScreen(null);
    await conference()?.setScreen(null);
  };
  const toggleScreen = async () => {
    if (current.current.screen) {
      await stopSharing();
      return;
    }
    try {
      const share = await openScreen();
      if (!share) return;
      share.video.addEventListener('ended', () => {
        if (current.current.screen === share.video) void stopSharing();
      });
      screenAudio.current = share.audio;
      setScreen(share.video);
      await conference()?.setScreen(share.video, share.audio);
    } catch (error) {
      onError(explain(error));
    }
  };

  /** The meeting ended for us: every track is released. */
  const release = () => {
    current.current.microphone?.stop();
    current.current.camera?.stop();
    current.current.screen?.stop();
    screenAudio.current?.stop();
    unhold()?.stop();
  };

  return {
    microphone,
    camera,
    screen,
    devices,
    toggle,
    toggleScreen,
    switchDevice,
    talk,
    switchedOff,
    release,
    speakingHint,
    setSpeakingHint,
  };
}
