import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { externalApi } from './build/external-api-plugin.ts';
import { integrity } from './build/integrity-plugin.ts';
import { segmentationAssets } from './build/segmentation-assets-plugin.ts';

export default defineConfig({
  root: import.meta.dirname,
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  // The app builds from the SDK's sources (apps elsewhere use its built package).
  resolve: { alias: { '@sotto/client': fileURLToPath(new URL('../client/src/index.ts', import.meta.url)) } },
  plugins: [segmentationAssets(), externalApi(), integrity()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // No inline scripts or styles: the server's CSP allows only 'self'.
    assetsInlineLimit: 0,
  },
});
