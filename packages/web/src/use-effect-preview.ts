import type { ProcessedTrack } from '@sotto/client';
import { useEffect, useState } from 'preact/hooks';
import type { PrivacySettings } from './privacy-settings.ts';
import { cameraProcessor } from './privacy-settings.ts';

/**
 * The pre-join preview with the chosen background effect, so the person sees what the others
 * will see before anything is sent. Until the effect runs, the preview shows nothing.
 */
export function useEffectPreview(camera: MediaStreamTrack | null, settings: PrivacySettings) {
  const [shown, setShown] = useState<MediaStreamTrack | null>(camera);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setProblem(null);
    if (!camera || settings.background === 'none') {
      setShown(camera);
      return;
    }
    setShown(null);
    let cancelled = false;
    let running: ProcessedTrack | null = null;
    cameraProcessor(settings)
      .then((processor) => processor?.process(camera) ?? null)
      .then(
        (processed) => {
          if (cancelled) processed?.stop();
          else {
            running = processed;
            setShown(processed?.track ?? camera);
          }
        },
        (error: unknown) => {
          if (!cancelled)
            setProblem(`The background effect could not run here (${error instanceof Error ? error.message : String(error)}).`);
        },
      );
    return () => {
      cancelled = true;
      running?.stop();
    };
  }, [camera, settings.background, settings.backgroundImage]);
  return { shown, problem };
}
