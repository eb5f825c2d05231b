import { useEffect, useState } from 'preact/hooks';

/**
 * The build value this server says it serves (build-manifest.json). It proves nothing by itself
 * (the server writes it); `sotto verify <address>` on one's own build compares every file.
 */
export function useBuild(): string | null {
  const [build, setBuild] = useState<string | null>(null);
  useEffect(() => {
    fetch('/build-manifest.json')
      .then((r) => r.json())
      .then((manifest: { build?: unknown }) => setBuild(typeof manifest.build === 'string' ? manifest.build : null))
      .catch(() => setBuild(null));
  }, []);
  return build;
}
