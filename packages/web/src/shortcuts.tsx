import { useEffect, useRef } from 'preact/hooks';

/** The meeting's keyboard shortcuts, as the help overlay lists them. */
export const SHORTCUTS: ReadonlyArray<{ keys: string; action: string }> = [
  { keys: 'M', action: 'Mute or unmute your microphone' },
  { keys: 'V', action: 'Turn your camera on or off' },
  { keys: 'Space (hold)', action: 'Talk while muted' },
  { keys: 'C', action: 'Open or close the chat' },
  { keys: 'T', action: 'Switch between grid and speaker view' },
  { keys: 'R', action: 'Raise or lower your hand' },
  { keys: 'P', action: 'Show or hide the participants' },
  { keys: '?', action: 'Show or hide these shortcuts' },
];

export interface ShortcutHandlers {
  microphone(): void;
  camera(): void;
  chat(): void;
  view(): void;
  hand(): void;
  participants(): void;
  help(): void;
  /** Space pressed (true) or released (false). */
  talk(held: boolean): void;
  /** Escape: close what is open over the meeting. */
  escape(): void;
}

/** Typing in a field: no letter is a shortcut there. */
function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  return !!target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/** Space on a focused button or link presses it: not push-to-talk then. */
function spaceBelongsToTarget(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  return isTyping(event) || (!!target && ['BUTTON', 'A', 'SUMMARY'].includes(target.tagName));
}

/** Listens for the shortcuts on the whole page; the handlers may change on every render. */
export function useShortcuts(handlers: ShortcutHandlers): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const h = current.current;
      // Listening from the start (not from when a dialog mounts): an Escape is never missed.
      if (event.key === 'Escape') return h.escape();
      if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event)) return;
      const actions: Record<string, () => void> = {
        m: h.microphone,
        v: h.camera,
        c: h.chat,
        t: h.view,
        r: h.hand,
        p: h.participants,
        '?': h.help,
      };
      if (event.key === ' ') {
        if (spaceBelongsToTarget(event)) return;
        event.preventDefault();
        if (!event.repeat) h.talk(true);
        return;
      }
      const action = actions[event.key.toLowerCase()];
      if (!action || event.repeat) return;
      event.preventDefault();
      action();
    };
    const onKeyUp = (event: KeyboardEvent) => {
      if (event.key === ' ') current.current.talk(false);
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('keyup', onKeyUp);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('keyup', onKeyUp);
    };
  }, []);
}

/** The list of shortcuts, over the meeting; Escape (see `useShortcuts`) or the button closes it. */
export function ShortcutHelp({ onClose }: { onClose(): void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div class="shortcut-help" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts">
      <h2>Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map((s) => (
          <div key={s.keys}>
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{s.action}</dd>
          </div>
        ))}
      </dl>
      <button type="button" ref={close} onClick={onClose}>
        Close
      </button>
    </div>
  );
}
