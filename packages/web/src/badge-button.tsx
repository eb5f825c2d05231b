/** A toolbar toggle with a count on it (people waiting, unread messages), announced in its name. */
export function BadgeButton({
  label,
  count,
  countLabel,
  pressed,
  onClick,
}: {
  label: string;
  count: number;
  /** What the count is, in the accessible name: "Chat, 2 unread". */
  countLabel: string;
  pressed: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      aria-label={count > 0 ? `${label}, ${count} ${countLabel}` : label}
      onClick={onClick}
    >
      {label}
      {count > 0 && (
        <span class="badge" aria-hidden="true">
          {count}
        </span>
      )}
    </button>
  );
}
