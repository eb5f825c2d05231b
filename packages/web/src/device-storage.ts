/**
 * What this browser remembers for the app (a name, effects, hints). A browser that refuses
 * storage — a framed page under strict third-party rules, a private window — gets nothing
 * remembered, never an error.
 */
export const deviceStorage = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string | null): void {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
    } catch {
      // Refused, or full (a large image): remembered for this page only.
    }
  },
};
