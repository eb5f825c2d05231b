import { useRef, useState } from 'preact/hooks';

export interface Notice {
  id: number;
  text: string;
}

const NOTICE_MS = 4000;

/** Short-lived messages ("Ana joined"), announced to screen readers. */
export function useNotices(): { list: Notice[]; show: (text: string) => void } {
  const [list, setList] = useState<Notice[]>([]);
  const next = useRef(1);
  const show = (text: string) => {
    const id = next.current++;
    setList((l) => [...l.slice(-3), { id, text }]);
    setTimeout(() => setList((l) => l.filter((n) => n.id !== id)), NOTICE_MS);
  };
  return { list, show };
}

export function Notices({ notices }: { notices: Notice[] }) {
  return (
    <div class="notices" aria-live="polite">
      {notices.map((n) => (
        <p key={n.id} class="notice">
          {n.text}
        </p>
      ))}
    </div>
  );
}
