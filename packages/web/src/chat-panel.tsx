import type { ChatMessage, Conference, RemoteParticipant } from '@sotto/client';
import { MAX_CHAT_LENGTH } from '@sotto/client';
import { useEffect, useRef, useState } from 'preact/hooks';

interface ChatState {
  messages: ChatMessage[];
  unread: number;
  open: boolean;
  setOpen(open: boolean): void;
  /** A message arrived (or we sent one: `own`, never unread); true when it counts as unread. */
  add(message: ChatMessage, own: boolean): boolean;
}

/** The meeting's chat as it arrives: every message since we joined, and how many we have not seen. */
export function useChat(): ChatState {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpenState] = useState(false);
  const openRef = useRef(open);
  openRef.current = open;
  const add = (message: ChatMessage, own: boolean) => {
    setMessages((list) => [...list, message]);
    const unseen = !own && !openRef.current;
    if (unseen) setUnread((n) => n + 1);
    return unseen;
  };
  const setOpen = (next: boolean) => {
    setOpenState(next);
    if (next) setUnread(0);
  };
  return { messages, unread, open, setOpen, add };
}

interface Props {
  conference: Conference;
  messages: ChatMessage[];
  participants: RemoteParticipant[];
  encrypted: boolean;
  onClose(): void;
  onError(message: string): void;
}

/** The chat panel: messages (private ones marked), a recipient picker and a message field. */
export function ChatPanel({ conference, messages, participants, encrypted, onClose, onError }: Props) {
  const [text, setText] = useState('');
  const [to, setTo] = useState('');
  const list = useRef<HTMLOListElement>(null);
  const nameOf = (id: string) =>
    id === conference.selfId ? 'You' : (participants.find((p) => p.id === id)?.name ?? 'Someone who left');
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [messages.length]);
  // A recipient who left: back to everyone.
  useEffect(() => {
    if (to && !participants.some((p) => p.id === to)) setTo('');
  }, [participants, to]);

  const send = (event: Event) => {
    event.preventDefault();
    if (!text.trim()) return;
    conference.sendChat(text, to || undefined).then(
      () => setText(''),
      (error: unknown) => onError(`Your message could not be sent: ${(error as Error).message}.`),
    );
  };

  return (
    <aside
      class="chat"
      aria-label="Chat"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header>
        <h2>Chat</h2>
        <button type="button" onClick={onClose} aria-label="Close the chat">
          ✕
        </button>
      </header>
      <p class="hint">
        {encrypted
          ? 'End-to-end encrypted: the server relays messages it cannot read and keeps nothing.'
          : 'Not end-to-end encrypted: the server could read messages; it keeps nothing.'}{' '}
        You see only what was sent after you joined.
      </p>
      <ol ref={list} class="chat-messages" aria-live="polite">
        {messages.map((m) => (
          <li key={m.id} class={m.to ? 'private' : ''}>
            <span class="from">
              {nameOf(m.from)}
              {m.to && (m.from === conference.selfId ? ` → ${nameOf(m.to)} (private)` : ' (private, to you)')}
            </span>
            <span class="text">{m.text}</span>
          </li>
        ))}
      </ol>
      <form onSubmit={send}>
        <label>
          To
          <select value={to} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
            <option value="">Everyone</option>
            {participants.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} (private)
              </option>
            ))}
          </select>
        </label>
        <label>
          Message
          <textarea
            value={text}
            maxLength={MAX_CHAT_LENGTH}
            rows={2}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey) send(e);
            }}
          />
        </label>
        <button type="submit" class="primary">
          Send
        </button>
      </form>
    </aside>
  );
}
