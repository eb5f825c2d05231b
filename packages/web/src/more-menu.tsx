import { useEffect, useState } from 'preact/hooks';

/** Whether the page is in full screen now (also when left with Escape). */
function useFullScreen(): boolean {
  const [on, setOn] = useState(!!document.fullscreenElement);
  useEffect(() => {
    const update = () => setOn(!!document.fullscreenElement);
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, []);
  return on;
}

interface Props {
  selfView: boolean;
  onSelfView: (shown: boolean) => void;
  /** Warn when we speak while muted (the muted microphone then stays open in this browser only). */
  speakingHint: boolean;
  onSpeakingHint: (on: boolean) => void;
  onShortcuts: () => void;
  onDevices: () => void;
  onPrivacy: () => void;
}

/** The toolbar's "More" menu: devices, privacy, self view, full screen, the speaking-while-muted hint, shortcuts. */
export function MoreMenu({ selfView, onSelfView, speakingHint, onSpeakingHint, onShortcuts, onDevices, onPrivacy }: Props) {
  const [open, setOpen] = useState(false);
  const fullScreen = useFullScreen();
  const choose = (action: () => void) => () => {
    setOpen(false);
    action();
  };
  return (
    <div class="more">
      <button type="button" aria-expanded={open} aria-haspopup="menu" onClick={() => setOpen(!open)}>
        More
      </button>
      {open && (
        <div class="more-menu" role="menu">
          <button type="button" role="menuitem" onClick={choose(onDevices)}>
            Devices…
          </button>
          <button type="button" role="menuitem" onClick={choose(onPrivacy)}>
            Privacy…
          </button>
          <button type="button" role="menuitemcheckbox" aria-checked={selfView} onClick={choose(() => onSelfView(!selfView))}>
            {selfView ? 'Hide self view' : 'Show self view'}
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={choose(() => {
              const request = fullScreen ? document.exitFullscreen() : document.documentElement.requestFullscreen();
              request.catch(() => {});
            })}
          >
            {fullScreen ? 'Leave full screen' : 'Full screen'}
          </button>
          <button
            type="button"
            role="menuitemcheckbox"
            aria-checked={speakingHint}
            title="To hear you, a muted microphone stays open in this browser; nothing of it is sent."
            onClick={choose(() => onSpeakingHint(!speakingHint))}
          >
            Warn me when I speak while muted
          </button>
          <button type="button" role="menuitem" onClick={choose(onShortcuts)}>
            Keyboard shortcuts
          </button>
        </div>
      )}
    </div>
  );
}
