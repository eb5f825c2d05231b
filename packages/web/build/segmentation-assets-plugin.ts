import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * The files MediaPipe's selfie segmentation needs, served from Sotto's own origin under
 * /mediapipe/ (nothing is fetched from Google's CDN): its loader, the SIMD wasm build and its
 * glue, the graph, and the landscape model (256x144, made for video calls). The non-SIMD build
 * is left out: every browser that can run the rest has wasm SIMD.
 */
export const SEGMENTATION_FILES = [
  'selfie_segmentation.js',
  'selfie_segmentation.binarypb',
  'selfie_segmentation_landscape.tflite',
  'selfie_segmentation_solution_simd_wasm_bin.js',
  'selfie_segmentation_solution_simd_wasm_bin.wasm',
] as const;

export function segmentationAssets(): Plugin {
  const folder = dirname(createRequire(import.meta.url).resolve('@mediapipe/selfie_segmentation/package.json'));
  return {
    name: 'sotto-segmentation-assets',
    apply: 'build',
    generateBundle() {
      for (const file of SEGMENTATION_FILES) {
        this.emitFile({ type: 'asset', fileName: `mediapipe/${file}`, source: readFileSync(join(folder, file)) });
      }
    },
  };
}
