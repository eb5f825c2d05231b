import { useContext, useEffect, useRef } from 'preact/hooks';
import { AudioOutput } from './devices-dialog.tsx';
import { coverLoss, MAX_COVER_LOSS } from './tile-layout.ts';

interface VideoViewProps {
  track: MediaStreamTrack;
  mirror?: boolean;
  /** Called with the rendered size in device pixels (0×0 when hidden or scrolled out of view). */
  onSize?: ((width: number, height: number) => void) | undefined;
}

/** A <video> showing one track; muted because audio plays through <AudioPlayer>. */
export function VideoView({ track, mirror = false, onSize }: VideoViewProps) {
  const ref = useRef<HTMLVideoElement>(null);
  useRenderedSize(ref, onSize);
  useFit(ref);
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

/** Fills the box (cover) unless that would cut off more than a sliver: then letterboxes. */
function useFit(ref: { current: HTMLVideoElement | null }): void {
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    const update = () => {
      const box = video.getBoundingClientRect();
      const loss = coverLoss(video.videoWidth, video.videoHeight, box.width, box.height);
      video.dataset.fit = loss > MAX_COVER_LOSS ? 'contain' : 'cover';
    };
    video.addEventListener('resize', update);
    const observer = new ResizeObserver(update);
    observer.observe(video);
    return () => {
      video.removeEventListener('resize', update);
      observer.disconnect();
    };
  }, []);
}

/** Plays one remote audio track, on the chosen output (AudioOutput). */
export function AudioPlayer({ track }: { track: MediaStreamTrack }) {
  const ref = useRef<HTMLAudioElement>(null);
  const output = useContext(AudioOutput);
  useEffect(() => {
    const audio = ref.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (output !== undefined) audio?.setSinkId?.(output).catch(() => {});
  }, [output]);
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

/** Reports an element's size on screen, and 0×0 while it is not visible, to `onSize`. */
function useRenderedSize(ref: { current: HTMLElement | null }, onSize: VideoViewProps['onSize']): void {
  useEffect(() => {
    const element = ref.current;
    if (!element || !onSize) return;
    let visible = true;
    const report = () => {
      const rect = element.getBoundingClientRect();
      const scale = window.devicePixelRatio || 1;
      if (visible) onSize(rect.width * scale, rect.height * scale);
      else onSize(0, 0);
    };
    const resize = new ResizeObserver(report);
    const intersection = new IntersectionObserver((entries) => {
      visible = entries.some((e) => e.isIntersecting);
      report();
    });
    resize.observe(element);
    intersection.observe(element);
    return () => {
      resize.disconnect();
      intersection.disconnect();
      onSize(0, 0);
    };
  }, [onSize]);
}
