/**
 * Messages participants send each other over `sendData` (end-to-end encrypted in E2EE meetings).
 * JSON in UTF-8; anything that does not parse as one of these is ignored.
 */
export const REACTIONS = ['👍', '👏', '😂', '❤️', '🎉', '✋'] as const;
export type Reaction = (typeof REACTIONS)[number];

/** Longest chat message, in UTF-16 code units (well inside a relay's 48 KiB, sealed and encrypted). */
export const MAX_CHAT_LENGTH = 4000;

export type AppMessage =
  | { type: 'reaction'; emoji: Reaction }
  /** `private`: the sender meant it for the one participant it was sent to. */
  | { type: 'chat'; text: string; private: boolean };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeAppMessage(message: AppMessage): Uint8Array {
  return encoder.encode(JSON.stringify(message));
}

export function decodeAppMessage(data: Uint8Array): AppMessage | null {
  try {
    const value = JSON.parse(decoder.decode(data)) as { type?: unknown; emoji?: unknown; text?: unknown; private?: unknown };
    if (value?.type === 'reaction' && REACTIONS.includes(value.emoji as Reaction)) {
      return { type: 'reaction', emoji: value.emoji as Reaction };
    }
    if (value?.type === 'chat' && typeof value.text === 'string' && value.text.length <= MAX_CHAT_LENGTH && value.text.trim()) {
      return { type: 'chat', text: value.text, private: value.private === true };
    }
  } catch {
    // Not ours: ignored.
  }
  return null;
}
