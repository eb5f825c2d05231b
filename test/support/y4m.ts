import { writeFileSync } from 'node:fs';

/**
 * A solid-colour Y4M video for Chromium's fake camera (`--use-file-for-fake-video-capture`,
 * which loops it): a camera whose every pixel is known, unlike the built-in test pattern.
 */
export function writeSolidY4m(
  path: string,
  [r, g, b]: [number, number, number],
  { width = 640, height = 360, frames = 15 } = {},
): string {
  // BT.601, full range (C420jpeg).
  const y = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  const u = Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
  const v = Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
  const clamp = (x: number) => Math.max(0, Math.min(255, x));
  const chroma = (width / 2) * (height / 2);
  const frame = Buffer.concat([
    Buffer.from('FRAME\n'),
    Buffer.alloc(width * height, clamp(y)),
    Buffer.alloc(chroma, clamp(u)),
    Buffer.alloc(chroma, clamp(v)),
  ]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F15:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
  return path;
}
