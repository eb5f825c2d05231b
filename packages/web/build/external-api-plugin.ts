import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'vite';

/**
 * /external_api.js, the iframe API's script for embedding pages (src/embed/external-api.ts):
 * one classic script at a fixed name (embedding pages link it), bundled with esbuild (which
 * Vite runs on) and emitted into the build, so the build manifest and `sotto verify` cover it.
 */
export function externalApi(): Plugin {
  return {
    name: 'sotto-external-api',
    apply: 'build',
    async generateBundle() {
      const result = await build({
        entryPoints: [fileURLToPath(new URL('../src/embed/external-api.ts', import.meta.url))],
        bundle: true,
        format: 'iife',
        minify: true,
        target: 'es2020',
        legalComments: 'none',
        write: false,
      });
      const [output] = result.outputFiles;
      if (!output) throw new Error('external_api.js was not built');
      this.emitFile({ type: 'asset', fileName: 'external_api.js', source: output.contents });
    },
  };
}
