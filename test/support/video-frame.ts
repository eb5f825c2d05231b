import type { Page } from 'playwright-core';

/** What one tile's video shows now, summed up from its pixels (read in the page). */
export interface FrameSummary {
  width: number;
  height: number;
  /** Share of pixels within 60 (per channel) of `colour`. */
  colourShare: number;
  /** Mean absolute difference between horizontal neighbours: a blurred picture has less. */
  sharpness: number;
  /** Mean red, green and blue. */
  mean: [number, number, number];
}

/** Reads the current frame of the video in the tile of the participant named `name`. */
export function tileFrame(page: Page, name: string, colour: [number, number, number] = [0, 0, 0]): Promise<FrameSummary | null> {
  return page.evaluate(
    ({ name, colour }) => {
      const tile = [...document.querySelectorAll('.tile')].find((t) => t.querySelector('.name')?.textContent === name);
      const video = tile?.querySelector('video');
      if (!video || video.videoWidth === 0) return null;
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) return null;
      ctx.drawImage(video, 0, 0);
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let near = 0;
      let gradient = 0;
      const sum: [number, number, number] = [0, 0, 0];
      const at = (i: number) => data[i] as number;
      for (let i = 0; i < data.length; i += 4) {
        const close =
          Math.abs(at(i) - colour[0]) < 60 && Math.abs(at(i + 1) - colour[1]) < 60 && Math.abs(at(i + 2) - colour[2]) < 60;
        if (close) near++;
        sum[0] += at(i);
        sum[1] += at(i + 1);
        sum[2] += at(i + 2);
        if ((i / 4) % canvas.width > 0) gradient += Math.abs(at(i) - at(i - 4)) + Math.abs(at(i + 1) - at(i - 3));
      }
      const pixels = data.length / 4;
      const mean = sum.map((v) => Math.round(v / pixels)) as [number, number, number];
      return { width: canvas.width, height: canvas.height, colourShare: near / pixels, sharpness: gradient / pixels, mean };
    },
    { name, colour },
  );
}
