/** What replaces the background: a blur of the camera's own picture, or an image the person chose. */
export type Backdrop = { kind: 'blur' } | { kind: 'image'; image: ImageBitmap };

/** A frame as the compositor reads it: a VideoFrame (streams) or an ImageBitmap (the fallback). */
export type FrameSource = VideoFrame | ImageBitmap;

const BLUR_SCALE = 4;
const BLUR_PX = 3;

/**
 * Puts the person (where the segmentation mask says so) over the backdrop, at the frame's full
 * size. The mask is small (the model's 256x144) and is scaled up with smoothing, which softens the
 * edge between person and background. The blur runs on a quarter-size copy: as blurred, and
 * far cheaper without a GPU.
 */
export class Compositor {
  readonly #backdrop: Backdrop;
  readonly #out = new OffscreenCanvas(1, 1);
  readonly #ctx = context(this.#out);
  readonly #mask = new OffscreenCanvas(1, 1);
  readonly #maskCtx = context(this.#mask, { willReadFrequently: true });
  readonly #small = new OffscreenCanvas(1, 1);
  readonly #smallCtx = context(this.#small);

  constructor(backdrop: Backdrop) {
    this.#backdrop = backdrop;
  }

  /** The composited frame (the same canvas each time: read it before the next call). */
  draw(frame: FrameSource, width: number, height: number, mask: ImageBitmap): OffscreenCanvas {
    resize(this.#out, width, height);
    const ctx = this.#ctx;
    ctx.globalCompositeOperation = 'copy';
    ctx.drawImage(this.#maskAsAlpha(mask), 0, 0, width, height);
    ctx.globalCompositeOperation = 'source-in';
    ctx.drawImage(frame, 0, 0, width, height);
    ctx.globalCompositeOperation = 'destination-over';
    this.#drawBackdrop(frame, width, height);
    ctx.globalCompositeOperation = 'source-over';
    return this.#out;
  }

  /** MediaPipe's mask holds the person's likelihood in its red channel: moved to alpha. */
  #maskAsAlpha(mask: ImageBitmap): OffscreenCanvas {
    resize(this.#mask, mask.width, mask.height);
    this.#maskCtx.globalCompositeOperation = 'copy';
    this.#maskCtx.drawImage(mask, 0, 0);
    const pixels = this.#maskCtx.getImageData(0, 0, mask.width, mask.height);
    const data = pixels.data;
    for (let i = 0; i < data.length; i += 4) data[i + 3] = data[i] as number;
    this.#maskCtx.putImageData(pixels, 0, 0);
    return this.#mask;
  }

  #drawBackdrop(frame: FrameSource, width: number, height: number): void {
    const ctx = this.#ctx;
    if (this.#backdrop.kind === 'image') {
      const { image } = this.#backdrop;
      // Cover: fill the frame, cropping the image's overhang evenly.
      const scale = Math.max(width / image.width, height / image.height);
      const w = width / scale;
      const h = height / scale;
      ctx.drawImage(image, (image.width - w) / 2, (image.height - h) / 2, w, h, 0, 0, width, height);
      return;
    }
    const w = Math.max(1, Math.round(width / BLUR_SCALE));
    const h = Math.max(1, Math.round(height / BLUR_SCALE));
    resize(this.#small, w, h);
    this.#smallCtx.filter = `blur(${BLUR_PX}px)`;
    // Drawn a little larger than the canvas, so the blur pulls in picture and not a dark border.
    const m = BLUR_PX * 2;
    this.#smallCtx.drawImage(frame, -m, -m, w + 2 * m, h + 2 * m);
    ctx.drawImage(this.#small, 0, 0, width, height);
  }
}

function context(canvas: OffscreenCanvas, settings?: CanvasRenderingContext2DSettings): OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', settings);
  if (!ctx) throw new Error('no 2D canvas in this worker');
  return ctx;
}

function resize(canvas: OffscreenCanvas, width: number, height: number): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
}
