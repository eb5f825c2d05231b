import { writeFileSync } from 'node:fs';

type Rgb = [number, number, number];

/**
 * A still Y4M video for Chromium's fake camera (`--use-file-for-fake-video-capture`, which loops
 * it): a camera whose every pixel is known, unlike the built-in test pattern. `colourAt` gives
 * each pixel's colour.
 */
export function writeY4m(
  path: string,
  colourAt: (x: number, y: number) => Rgb,
  { width = 640, height = 360, frames = 15 } = {},
): string {
  // BT.601, full range (C420jpeg); chroma from the top-left pixel of each 2x2 block.
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  const luma = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colourAt(x, y);
      luma[y * width + x] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
      if (x % 2 === 0 && y % 2 === 0) {
        const at = (y / 2) * (width / 2) + x / 2;
        u[at] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
        v[at] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
      }
    }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, u, v]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F15:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
  return path;
}

/** A camera of one colour. */
export const writeSolidY4m = (path: string, colour: Rgb) => writeY4m(path, () => colour);

/** A camera of black and white vertical stripes `width` pixels wide: as sharp as a picture gets. */
export const writeStripesY4m = (path: string, width = 8) =>
  writeY4m(path, (x) => (Math.floor(x / width) % 2 ? [255, 255, 255] : [0, 0, 0]));
