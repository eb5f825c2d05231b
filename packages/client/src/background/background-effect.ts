import { ConferenceError } from '../errors.ts';
import type { ProcessedTrack, TrackProcessor } from '../track-processor.ts';
import { canvasPump } from './canvas-pump.ts';
import type { Backdrop } from './compositor.ts';
import type { BackgroundStats, FromBackgroundWorker, ToBackgroundWorker } from './worker-messages.ts';

export type { Backdrop } from './compositor.ts';
export type { BackgroundStats } from './worker-messages.ts';

export interface BackgroundEffectOptions {
  /** Where the MediaPipe files are served (default `/mediapipe/`, on the page's origin). */
  assetsUrl?: string;
  /** The background worker's URL, when the app serves it itself (the package ships `segmentation-worker.js`, a classic worker). */
  workerUrl?: string | URL;
}

/** A camera with its background blurred or replaced, and how the processing keeps up. */
export interface ProcessedCamera extends ProcessedTrack {
  stats(): Promise<BackgroundStats>;
}

// Chromium's insertable streams for raw video; not in TypeScript's DOM library yet.
declare const MediaStreamTrackProcessor:
  | (new (init: {
      track: MediaStreamTrack;
    }) => { readable: ReadableStream<VideoFrame> })
  | undefined;
declare const MediaStreamTrackGenerator:
  | (new (init: {
      kind: 'video';
    }) => MediaStreamTrack & { writable: WritableStream<VideoFrame> })
  | undefined;

/**
 * Background blur or replacement, computed in this browser by a model that ships with the app
 * (MediaPipe selfie segmentation, served from this origin). The model and the compositing run in
 * a worker; where the browser has insertable streams (Chromium) the frames never touch the main
 * thread, elsewhere the page hands frames over on the worker's clock.
 */
export function backgroundEffect(
  backdrop: Backdrop,
  options: BackgroundEffectOptions = {},
): TrackProcessor & {
  process(input: MediaStreamTrack): Promise<ProcessedCamera>;
  /** How the effect's latest run keeps up (null before it runs). */
  stats(): Promise<BackgroundStats | null>;
} {
  let latest: ProcessedCamera | null = null;
  return {
    stats: () => latest?.stats() ?? Promise.resolve(null),
    name: backdrop.kind === 'blur' ? 'background blur' : 'background image',
    async process(input) {
      const worker = options.workerUrl
        ? new Worker(options.workerUrl, { name: 'sotto-background' })
        : new Worker(new URL('./segmentation-worker.ts', import.meta.url), { name: 'sotto-background' });
      const send = (message: ToBackgroundWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
      try {
        await new Promise<void>((resolve, reject) => {
          worker.onmessage = (event: MessageEvent<FromBackgroundWorker>) => {
            if (event.data.type === 'ready') resolve();
            if (event.data.type === 'error') reject(new Error(event.data.message));
          };
          worker.onerror = (event) => reject(new Error(event.message || 'the worker failed to load'));
          send({ type: 'init', assetsUrl: options.assetsUrl ?? '/mediapipe/', backdrop });
        });
      } catch (error) {
        worker.terminate();
        throw new ConferenceError('media-failed', `the background effect could not start (${(error as Error).message})`);
      }
      const output =
        typeof MediaStreamTrackProcessor === 'function' && typeof MediaStreamTrackGenerator === 'function'
          ? streamPump(input, send)
          : await canvasPump(input, worker, send);
      const stop = () => {
        output.track.stop();
        output.stop();
        worker.terminate();
      };
      latest = { track: output.track, stop, stats: () => askStats(worker, send) };
      return latest;
    },
  };
}

function streamPump(input: MediaStreamTrack, send: (message: ToBackgroundWorker, transfer: Transferable[]) => void) {
  // Both checked by the caller.
  const Processor = MediaStreamTrackProcessor as NonNullable<typeof MediaStreamTrackProcessor>;
  const Generator = MediaStreamTrackGenerator as NonNullable<typeof MediaStreamTrackGenerator>;
  // A clone: the processor consumes its track, and the caller's stays free for other uses.
  const source = input.clone();
  const { readable } = new Processor({ track: source });
  const generator = new Generator({ kind: 'video' });
  send({ type: 'stream', readable, writable: generator.writable }, [readable, generator.writable]);
  return { track: generator as MediaStreamTrack, stop: () => source.stop() };
}

function askStats(worker: Worker, send: (message: ToBackgroundWorker) => void): Promise<BackgroundStats> {
  return new Promise((resolve) => {
    const listener = (event: MessageEvent<FromBackgroundWorker>) => {
      if (event.data.type !== 'stats') return;
      worker.removeEventListener('message', listener);
      resolve(event.data.stats);
    };
    worker.addEventListener('message', listener);
    send({ type: 'stats' });
  });
}
