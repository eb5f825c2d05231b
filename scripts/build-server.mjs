// Bundles the server into one JavaScript file (packages/server/build/cli/sotto.mjs), so it runs
// with plain `node`: no TypeScript compiler at run time. The bundle sits at the same depth as the
// sources, so paths relative to it (the web app in packages/web/dist) stay the same. The native
// WebRTC engine (node-datachannel) and ws's optional native helpers stay outside the bundle.
import { build } from 'esbuild';

await build({
  entryPoints: ['packages/server/src/cli/main.ts'],
  outfile: 'packages/server/build/cli/sotto.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['node-datachannel', 'bufferutil', 'utf-8-validate'],
  // CommonJS dependencies (pino, ws) call require(): give the ES module one.
  banner: {
    js: "import { createRequire as __sottoRequire } from 'node:module'; const require = __sottoRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
