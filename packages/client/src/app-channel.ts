import type { Reaction } from './app-messages.ts';
import { decodeAppMessage, encodeAppMessage, MAX_CHAT_LENGTH } from './app-messages.ts';
import { Emitter } from './emitter.ts';

/** One chat message, sent or received. */
export interface ChatMessage {
  /** Unique on this page. */
  id: number;
  /** Who wrote it: a participant's id, or our own (`Conference.selfId`). */
  from: string;
  /** The one participant it was for; null when it was for everyone. */
  to: string | null;
  text: string;
  /** When it was sent or arrived here (ms since 1970). */
  at: number;
}

export interface AppChannelEvents {
  data: [from: string, data: Uint8Array];
  reaction: [from: string, emoji: Reaction];
  chat: [ChatMessage];
}

/** What the channel needs from the meeting. */
export interface AppTransport {
  /** Sends to everyone, or to the participant `to` only (sealed for them under E2EE). */
  send(data: Uint8Array, to?: string): Promise<void>;
  selfId(): string | null;
  isParticipant(id: string): boolean;
  /** Whether a message for one participant is sealed for them (E2EE), so that only a sealed one counts as private. */
  sealsPrivateMessages(): boolean;
}

/**
 * Messages between participants — reactions, chat, an app's own data — over the meeting's
 * transport: MLS application messages under E2EE (the server relays ciphertext), plain relays
 * otherwise. Nothing is kept on the server; a late joiner sees nothing from before.
 */
export class AppChannel extends Emitter<AppChannelEvents> {
  readonly #transport: AppTransport;
  #nextId = 1;

  constructor(transport: AppTransport) {
    super();
    this.#transport = transport;
  }

  send(data: Uint8Array, to?: string): Promise<void> {
    return this.#transport.send(data, to);
  }

  react(emoji: Reaction): Promise<void> {
    return this.send(encodeAppMessage({ type: 'reaction', emoji }));
  }

  /** Sends a chat message (to one participant with `to`); resolves with it as the chat shows it. */
  async chat(text: string, to?: string): Promise<ChatMessage> {
    const trimmed = text.trim();
    if (!trimmed) throw new Error('an empty message');
    if (trimmed.length > MAX_CHAT_LENGTH) throw new Error(`a message may have at most ${MAX_CHAT_LENGTH} characters`);
    const self = this.#transport.selfId();
    if (!self) throw new Error('not in a meeting');
    await this.send(encodeAppMessage({ type: 'chat', text: trimmed, private: to !== undefined }), to);
    const message: ChatMessage = { id: this.#nextId++, from: self, to: to ?? null, text: trimmed, at: Date.now() };
    this.emit('chat', message);
    return message;
  }

  /** Data from `from`; `privately` when it was sealed for us alone. */
  receive(from: string, data: Uint8Array, privately: boolean): void {
    const self = this.#transport.selfId();
    if (data.length === 0 || !self || !this.#transport.isParticipant(from)) return;
    this.emit('data', from, data);
    const message = decodeAppMessage(data);
    if (message?.type === 'reaction' && !privately) this.emit('reaction', from, message.emoji);
    if (message?.type !== 'chat') return;
    // Under E2EE only the sealing says a message was for us alone; without it, the sender's word.
    const forUs = this.#transport.sealsPrivateMessages() ? privately : message.private;
    this.emit('chat', { id: this.#nextId++, from, to: forUs ? self : null, text: message.text, at: Date.now() });
  }
}
