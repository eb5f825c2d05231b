/**
 * MediaPipe's selfie segmentation (the legacy "solutions" build, Apache-2.0), loaded in a classic
 * worker from Sotto's own origin. That build has a worker path with three gaps, bridged here:
 * it `importScripts` its model files along with its scripts (filtered out: the wasm fetches them
 * itself), it expects a global `Module` to configure the wasm, and it never keeps the WebGL
 * context it makes for its input textures (taken back from its canvas). The package version is
 * pinned exactly; `test/e2e/background.test.ts` fails if any of this stops working.
 */

interface Results {
  segmentationMask: ImageBitmap;
}
interface Solution {
  setOptions(options: { modelSelection: number; selfieMode: boolean }): void;
  onResults(listener: (results: Results) => void): void;
  initialize(): Promise<void>;
  send(inputs: { image: ImageBitmap }): Promise<void>;
  close(): Promise<void>;
}
/** The build's minified internals reached into: its graph runner, with its canvas and GL context. */
interface SolutionInternals {
  h?: { m?: OffscreenCanvas; K?: unknown };
}
type SolutionClass = new (config: { locateFile: (file: string) => string }) => Solution;

export interface Segmenter {
  /** The person's likelihood per pixel, in the red channel, at the image's size. */
  segment(image: ImageBitmap): Promise<ImageBitmap>;
  close(): void;
}

/** Loads the model (its files under `assetsUrl`, e.g. `/mediapipe/`) and warms it up. */
export async function loadSegmenter(assetsUrl: string): Promise<Segmenter> {
  const scope = self as unknown as {
    Module?: unknown;
    SelfieSegmentation?: SolutionClass;
    importScripts(...urls: string[]): void;
  };
  const locateFile = (file: string) => new URL(file, new URL(assetsUrl, self.location.href)).href;
  const load = scope.importScripts.bind(self);
  scope.importScripts = (...urls) => load(...urls.filter((url) => !/\.(tflite|binarypb)$/.test(url)));
  scope.Module = { locateFile };
  if (!scope.SelfieSegmentation) load(locateFile('selfie_segmentation.js'));
  const Solution = scope.SelfieSegmentation;
  if (!Solution) throw new Error('selfie_segmentation.js did not load');
  const solution = new Solution({ locateFile });
  solution.setOptions({ modelSelection: 1, selfieMode: false });
  // send() resolves after its results were delivered.
  let latest: ImageBitmap | null = null;
  solution.onResults((results) => {
    latest?.close();
    latest = results.segmentationMask;
  });
  await solution.initialize();
  const internals = (solution as unknown as SolutionInternals).h;
  if (internals && !internals.K && internals.m) internals.K = internals.m.getContext('webgl2') ?? internals.m.getContext('webgl');
  const segmenter: Segmenter = {
    async segment(image) {
      await solution.send({ image });
      const mask = latest;
      latest = null;
      if (!mask) throw new Error('the segmentation gave no mask');
      return mask;
    },
    close: () => void solution.close(),
  };
  // One frame now: a browser without WebGL in workers fails here, so the effect reports it at
  // once (and the camera goes off with a reason) instead of sending nothing without one. It also
  // takes the first frame's set-up cost (seconds without a GPU) before any real frame waits.
  const blank = await createImageBitmap(new ImageData(256, 144));
  (await segmenter.segment(blank)).close();
  blank.close();
  return segmenter;
}
