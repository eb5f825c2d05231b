import type { Reaction } from '@sotto/client';
import { REACTIONS } from '@sotto/client';
import { useRef, useState } from 'preact/hooks';

const REACTION_MS = 4000;

/** Reactions currently shown, by participant id; each fades after a few seconds. */
export function useReactions(): { of: (id: string) => Reaction | undefined; show: (id: string, emoji: Reaction) => void } {
  const [shown, setShown] = useState<ReadonlyMap<string, Reaction>>(new Map());
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const show = (id: string, emoji: Reaction) => {
    setShown((m) => new Map(m).set(id, emoji));
    clearTimeout(timers.current.get(id));
    timers.current.set(
      id,
      setTimeout(() => {
        setShown((m) => {
          const next = new Map(m);
          next.delete(id);
          return next;
        });
      }, REACTION_MS),
    );
  };
  return { of: (id) => shown.get(id), show };
}

/** The toolbar's React button and its picker. */
export function ReactionPicker({ onPick }: { onPick: (emoji: Reaction) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="reactions">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        React
      </button>
      {open && (
        <div class="reaction-picker">
          {REACTIONS.map((emoji) => (
            <button
              type="button"
              key={emoji}
              aria-label={`React with ${emoji}`}
              onClick={() => {
                setOpen(false);
                onPick(emoji);
              }}
            >
              {emoji}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
