import type { Backdrop } from './compositor.ts';

/** Page → background worker. */
export type ToBackgroundWorker =
  | { type: 'init'; assetsUrl: string; backdrop: Backdrop }
  /** Chromium: the camera's frames in, the processed frames out; the worker does the rest. */
  | { type: 'stream'; readable: ReadableStream<VideoFrame>; writable: WritableStream<VideoFrame> }
  /** Elsewhere: the page sends frames when the worker's clock ticks and draws what comes back. */
  | { type: 'tick'; fps: number }
  | { type: 'frame'; frame: ImageBitmap }
  | { type: 'stats' };

/** Background worker → page. */
export type FromBackgroundWorker =
  | { type: 'ready' }
  | { type: 'error'; message: string }
  | { type: 'tick' }
  | { type: 'frame'; frame: ImageBitmap }
  | { type: 'stats'; stats: BackgroundStats };

export interface BackgroundStats {
  /** Frames processed, and frames dropped because the previous one was still being processed. */
  processed: number;
  skipped: number;
  /** Mean time per processed frame (segmentation and compositing), in ms. */
  msPerFrame: number;
  /** Of which the model (scaling the frame down, segmenting), in ms. */
  segmentMsPerFrame: number;
}
