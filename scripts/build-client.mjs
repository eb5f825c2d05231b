// Builds the browser SDK as a package (packages/client/dist): JavaScript and type declarations,
// no TypeScript sources. index.js is an ES module that leaves its npm dependencies to the app's
// bundler; the E2EE worker, the background worker and the voice worklet are self-contained files
// beside it, found with `new URL('./<name>.js', import.meta.url)` (which bundlers follow) or
// given by the app (ConferenceOptions.e2eeWorker, BackgroundEffectOptions.workerUrl,
// voiceDisguise's workletUrl).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

const CLIENT = 'packages/client';
const DIST = `${CLIENT}/dist`;
const pkg = JSON.parse(readFileSync(`${CLIENT}/package.json`, 'utf8'));

/** `new URL('./dir/x.ts', import.meta.url)` and `import u from './x.ts?worker&url'` → the built `./x.js` beside index.js. */
const builtWorkerUrls = {
  name: 'sotto-built-worker-urls',
  setup(b) {
    b.onResolve({ filter: /\?worker&url$/ }, (args) => ({
      path: basename(args.path.replace(/\?worker&url$/, '')),
      namespace: 'worker-url',
    }));
    b.onLoad({ filter: /.*/, namespace: 'worker-url' }, (args) => ({
      contents: `export default new URL('./${args.path.replace(/\.ts$/, '.js')}', import.meta.url).href;`,
      loader: 'js',
    }));
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replace(
        /new URL\('\.\/(?:[\w-]+\/)*([\w-]+)\.ts', import\.meta\.url\)/g,
        "new URL('./$1.js', import.meta.url)",
      );
      return { contents, loader: 'ts' };
    });
  },
};

rmSync(DIST, { recursive: true, force: true });
await build({
  entryPoints: { index: `${CLIENT}/src/index.ts` },
  outdir: DIST,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  // The app's bundler brings these (they are the package's dependencies); @sotto/protocol is ours and goes in.
  external: Object.keys(pkg.dependencies ?? {}).flatMap((name) => [name, `${name}/*`]),
  plugins: [builtWorkerUrls],
  logLevel: 'warning',
});
const workers = [
  ['e2ee-worker', 'src/e2ee/e2ee-worker.ts', 'esm'],
  ['segmentation-worker', 'src/background/segmentation-worker.ts', 'iife'],
  ['voice-disguise-worklet', 'src/voice/voice-disguise-worklet.ts', 'iife'],
];
for (const [name, entry, format] of workers) {
  await build({
    entryPoints: { [name]: `${CLIENT}/${entry}` },
    outdir: DIST,
    bundle: true,
    format,
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  });
}

// Declarations: tsc, then the workspace's own names and .ts specifiers turned into what a
// package consumer resolves.
execFileSync('npx', ['tsc', '-p', `${CLIENT}/tsconfig.build.json`], { stdio: 'inherit' });
const types = `${DIST}/types`;
const protocolIndex = `${types}/protocol/src/index.js`;
for (const file of walk(types)) {
  if (!file.endsWith('.d.ts')) continue;
  const toProtocol = relative(dirname(file), protocolIndex);
  const text = readFileSync(file, 'utf8')
    .replaceAll("'@sotto/protocol'", `'${toProtocol.startsWith('.') ? toProtocol : `./${toProtocol}`}'`)
    .replace(/(from '\.{1,2}\/[^']*)\.ts'/g, "$1.js'")
    .replace(/(import\('\.{1,2}\/[^']*)\.ts'\)/g, "$1.js')");
  writeFileSync(file, text);
}

function walk(folder) {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
