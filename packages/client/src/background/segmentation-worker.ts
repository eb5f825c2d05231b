/**
 * The background effect's worker (a classic worker: MediaPipe's build loads with importScripts):
 * segments each frame with the model and composites person over backdrop, off the main thread.
 * When frames come faster than it can process, it skips to the newest rather than fall behind.
 */
import type { Backdrop, FrameSource } from './compositor.ts';
import { Compositor } from './compositor.ts';
import type { Segmenter } from './mediapipe-segmenter.ts';
import { loadSegmenter } from './mediapipe-segmenter.ts';
import type { FromBackgroundWorker, ToBackgroundWorker } from './worker-messages.ts';

/** The model's input size (landscape): frames are scaled down to it before segmentation. */
const MODEL_WIDTH = 256;
const MODEL_HEIGHT = 144;

let segmenter: Segmenter | null = null;
let compositor: Compositor | null = null;
const stats = { processed: 0, skipped: 0, busyMs: 0, segmentMs: 0 };

const post = (message: FromBackgroundWorker, transfer: Transferable[] = []) => self.postMessage(message, { transfer });

async function init(assetsUrl: string, backdrop: Backdrop): Promise<void> {
  segmenter = await loadSegmenter(assetsUrl);
  compositor = new Compositor(backdrop);
}

/** One frame through the model and the compositor. */
async function composite(frame: FrameSource, width: number, height: number): Promise<OffscreenCanvas> {
  if (!segmenter || !compositor) throw new Error('not initialised');
  const started = performance.now();
  const small = await createImageBitmap(frame, { resizeWidth: MODEL_WIDTH, resizeHeight: MODEL_HEIGHT });
  const mask = await segmenter.segment(small);
  small.close();
  stats.segmentMs += performance.now() - started;
  const canvas = compositor.draw(frame, width, height, mask);
  mask.close();
  stats.busyMs += performance.now() - started;
  stats.processed++;
  return canvas;
}

/** Chromium: reads frames as they come, keeps only the newest, writes processed ones out. */
async function pump(readable: ReadableStream<VideoFrame>, writable: WritableStream<VideoFrame>): Promise<void> {
  const reader = readable.getReader();
  const writer = writable.getWriter();
  let newest: VideoFrame | null = null;
  let ended = false;
  let wake = null as (() => void) | null;
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done || !value) break;
      if (newest) {
        newest.close();
        stats.skipped++;
      }
      newest = value;
      wake?.();
    }
    ended = true;
    wake?.();
  })();
  while (!ended || newest) {
    if (!newest) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
      continue;
    }
    const frame: VideoFrame = newest;
    newest = null;
    try {
      const canvas = await composite(frame, frame.displayWidth, frame.displayHeight);
      await writer.write(new VideoFrame(canvas, { timestamp: frame.timestamp }));
    } catch {
      break; // the output was closed (the effect stopped)
    } finally {
      frame.close();
    }
  }
  await reader.cancel().catch(() => {});
  await writer.close().catch(() => {});
}

self.onmessage = async (event: MessageEvent<ToBackgroundWorker>) => {
  const message = event.data;
  try {
    switch (message.type) {
      case 'init':
        await init(message.assetsUrl, message.backdrop);
        post({ type: 'ready' });
        break;
      case 'stream':
        await pump(message.readable, message.writable);
        break;
      case 'tick':
        // A worker's timer keeps running in a background tab, where the page's are slowed down.
        setInterval(() => post({ type: 'tick' }), 1000 / message.fps);
        break;
      case 'frame': {
        const canvas = await composite(message.frame, message.frame.width, message.frame.height);
        message.frame.close();
        const frame = canvas.transferToImageBitmap();
        post({ type: 'frame', frame }, [frame]);
        break;
      }
      case 'stats':
        post({
          type: 'stats',
          stats: {
            processed: stats.processed,
            skipped: stats.skipped,
            msPerFrame: stats.processed ? stats.busyMs / stats.processed : 0,
            segmentMsPerFrame: stats.processed ? stats.segmentMs / stats.processed : 0,
          },
        });
        break;
    }
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
