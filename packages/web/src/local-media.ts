import type { Conference, LocalMedia } from '@sotto/client';
import { openLocalMedia, openScreen } from '@sotto/client';
import { useRef, useState } from 'preact/hooks';
import { explain } from './media-error.ts';

/**
 * Our microphone and camera during the meeting: on/off toggles (a track is opened when switched
 * on and stopped when switched off, so the browser's indicator tells the truth), push-to-talk,
 * and what a moderator's mute does here.
 */
export function useLocalMedia(conference: () => Conference | null, initial: LocalMedia, onError: (text: string) => void) {
  const [microphone, setMicrophone] = useState(initial.microphone);
  const [camera, setCamera] = useState(initial.camera);
  const [screen, setScreen] = useState<MediaStreamTrack | null>(null);
  const current = useRef({ microphone, camera, screen });
  current.current = { microphone, camera, screen };

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
      track.stop();
      await set(kind, null);
      return;
    }
    try {
      const opened = await openLocalMedia({ audio: kind === 'audio', video: kind === 'video' });
      await set(kind, kind === 'audio' ? opened.microphone : opened.camera);
    } catch (error) {
      onError(explain(error));
    }
  };

  // Space held while muted: the microphone is on until it is released (even a tap shorter than
  // opening the microphone ends muted).
  const talking = useRef<Promise<MediaStreamTrack | null> | null>(null);
  const talk = (held: boolean) => {
    if (held && !current.current.microphone && !talking.current) {
      talking.current = openLocalMedia({ audio: true, video: false }).then(
        async ({ microphone: track }) => {
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
        track.stop();
        await set('audio', null);
      });
    }
  };

  /** A moderator muted us: the SDK already stopped sending it; the track is released here. */
  const switchedOff = (kind: 'audio' | 'video') => {
    const track = kind === 'audio' ? current.current.microphone : current.current.camera;
    track?.stop();
    if (kind === 'audio') setMicrophone(null);
    else setCamera(null);
  };

  /** Starts sharing (the browser asks what) or stops; the browser's own "Stop sharing" stops it too. */
  const toggleScreen = async () => {
    const shared = current.current.screen;
    if (shared) {
      shared.stop();
      setScreen(null);
      await conference()?.setScreen(null);
      return;
    }
    try {
      const track = await openScreen();
      if (!track) return;
      track.addEventListener('ended', () => {
        if (current.current.screen !== track) return;
        setScreen(null);
        conference()?.setScreen(null);
      });
      setScreen(track);
      await conference()?.setScreen(track);
    } catch (error) {
      onError(explain(error));
    }
  };

  /** The meeting ended for us: every track is released. */
  const release = () => {
    current.current.microphone?.stop();
    current.current.camera?.stop();
    current.current.screen?.stop();
  };

  return { microphone, camera, screen, toggle, toggleScreen, talk, switchedOff, release };
}
