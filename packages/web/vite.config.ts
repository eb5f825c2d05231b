import { defineConfig } from 'vite';
import { externalApi } from './build/external-api-plugin.ts';
import { integrity } from './build/integrity-plugin.ts';
import { segmentationAssets } from './build/segmentation-assets-plugin.ts';

export default defineConfig({
  root: import.meta.dirname,
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  plugins: [segmentationAssets(), externalApi(), integrity()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // No inline scripts or styles: the server's CSP allows only 'self'.
    assetsInlineLimit: 0,
  },
});
