#!/usr/bin/env node
// The `sotto` command: runs the bundled server (built by `npm run build`), not TypeScript sources.
import { existsSync } from 'node:fs';

const bundle = new URL('../build/cli/sotto.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('sotto: the server is not built yet. Run `npm run build` (or `npm start`) in the checkout first.\n');
  process.exit(1);
}
await import(bundle.href);
