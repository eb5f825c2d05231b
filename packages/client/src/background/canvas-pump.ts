import type { FromBackgroundWorker, ToBackgroundWorker } from './worker-messages.ts';

/** Frames per second asked of the worker's clock (the camera's rate, at most 30). */
function frameRate(input: MediaStreamTrack): number {
  return Math.min(30, Math.max(5, input.getSettings().frameRate ?? 30));
}

/**
 * Browsers without insertable streams: a detached video element plays the camera; on each tick
 * of the worker's clock the page grabs a frame (unless one is still being processed: skipped,
 * never queued) and draws the worker's result onto a canvas whose captured stream is the output.
 */
export async function canvasPump(
  input: MediaStreamTrack,
  worker: Worker,
  send: (message: ToBackgroundWorker, transfer?: Transferable[]) => void,
): Promise<{ track: MediaStreamTrack; stop: () => void }> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([input]);
  await video.play();
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth || 640;
  canvas.height = video.videoHeight || 360;
  const renderer = canvas.getContext('bitmaprenderer');
  const [track] = canvas.captureStream().getVideoTracks();
  if (!renderer || !track) throw new Error('this browser cannot capture a canvas');
  let busy = false;
  let stopped = false;
  worker.onmessage = async (event: MessageEvent<FromBackgroundWorker>) => {
    const message = event.data;
    if (stopped) return;
    if (message.type === 'tick' && !busy && video.readyState >= video.HAVE_CURRENT_DATA) {
      busy = true;
      const frame = await createImageBitmap(video);
      send({ type: 'frame', frame }, [frame]);
    } else if (message.type === 'frame') {
      if (canvas.width !== message.frame.width) canvas.width = message.frame.width;
      if (canvas.height !== message.frame.height) canvas.height = message.frame.height;
      renderer.transferFromImageBitmap(message.frame);
      busy = false;
    } else if (message.type === 'error') busy = false;
  };
  send({ type: 'tick', fps: frameRate(input) });
  return {
    track,
    stop: () => {
      stopped = true;
      video.srcObject = null;
    },
  };
}
