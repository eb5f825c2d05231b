import { defineConfig } from 'vite';

export default defineConfig({
  // The SDK finds its E2EE worker with `new URL('./e2ee-worker.js', import.meta.url)`; Vite's
  // dev pre-bundling would move the SDK away from that file, so it is served as it is.
  optimizeDeps: { exclude: ['@sotto/client'] },
});
