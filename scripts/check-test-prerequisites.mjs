// Fails early, with the fix, when a machine lacks what the tests need.
import { missingPrerequisites } from './test-prerequisites.mjs';

const missing = missingPrerequisites();
if (missing.length) {
  for (const m of missing) console.error(`Missing ${m.pkg}: ${m.why}.`);
  console.error(`Install them with: npm run test:deps   (apt-get install -y ${missing.map((m) => m.pkg).join(' ')})`);
  process.exit(1);
}
