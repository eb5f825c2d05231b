import type { Conference, ProcessedSource, TrackProcessor } from '@sotto/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PrivacySettings } from './privacy-settings.ts';
import { cameraProcessor, microphoneProcessor } from './privacy-settings.ts';

const SOURCE_NAMES: Record<ProcessedSource, string> = { camera: 'background effect', microphone: 'voice disguise' };

/**
 * The chosen effects on the meeting's camera and microphone. `attach` puts them on a new
 * conference before it joins, so nothing unprocessed is ever sent; later changes apply at once.
 * An effect that cannot run leaves its source off (the SDK's rule) and says why.
 */
export function usePrivacyEffects(
  conference: () => Conference | null,
  settings: PrivacySettings,
  initialCamera: MediaStreamTrack | null,
  onFailed: (source: ProcessedSource, text: string) => void,
) {
  /** What our camera sends now: our own tile shows this. */
  const [ownVideo, setOwnVideo] = useState(initialCamera);
  /** What our microphone sends now (the disguised voice, when on). */
  const [ownVoice, setOwnVoice] = useState<MediaStreamTrack | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const attached = useRef(false);

  const apply = async (c: Conference, source: ProcessedSource) => {
    setProblem(null);
    let processor: TrackProcessor | null;
    try {
      processor = source === 'camera' ? await cameraProcessor(settings) : microphoneProcessor(settings);
    } catch (error) {
      report(source, error);
      return;
    }
    // Reachable from DevTools (and the benchmarks), like `sottoConference`: how the effects keep up.
    const page = window as unknown as { sottoEffects?: Record<string, TrackProcessor | null> };
    page.sottoEffects = { ...page.sottoEffects, [source]: processor };
    // A failure to run is reported by the conference's `effect-failed`.
    await c.setProcessor(source, processor).catch(() => {});
  };
  const report = (source: ProcessedSource, error: unknown) => {
    const why = error instanceof Error ? error.message : String(error);
    const text = `The ${SOURCE_NAMES[source]} could not run, so your ${source} is off (${why}). Turn the effect off to use it.`;
    setProblem(text);
    onFailed(source, text);
  };

  /** Before join: both effects on, and the conference's reports wired. */
  const attach = async (c: Conference) => {
    c.on('local-media', (source, track) => {
      if (source === 'camera') setOwnVideo(track);
      else setOwnVoice(track);
    });
    c.on('effect-failed', (source, error) => report(source, error));
    await Promise.all([apply(c, 'camera'), apply(c, 'microphone')]);
    attached.current = true;
  };

  useEffect(() => {
    const c = conference();
    if (c && attached.current) void apply(c, 'camera');
  }, [settings.background, settings.backgroundImage]);
  useEffect(() => {
    const c = conference();
    if (c && attached.current) void apply(c, 'microphone');
  }, [settings.voice]);

  return { ownVideo, ownVoice, problem, attach };
}
