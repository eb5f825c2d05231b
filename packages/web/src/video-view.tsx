import { useEffect, useRef } from 'preact/hooks';

/** A <video> showing one track; muted because audio plays through <AudioPlayer>. */
export function VideoView({ track, mirror = false }: { track: MediaStreamTrack; mirror?: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = new MediaStream([track]);
    video.play().catch(() => {});
    return () => {
      video.srcObject = null;
    };
  }, [track]);
  return <video ref={ref} autoplay playsInline muted class={mirror ? 'mirror' : ''} />;
}

/** Plays one remote audio track. */
export function AudioPlayer({ track }: { track: MediaStreamTrack }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    audio.srcObject = new MediaStream([track]);
    audio.play().catch(() => {});
    return () => {
      audio.srcObject = null;
    };
  }, [track]);
  return <audio ref={ref} autoplay />;
}
