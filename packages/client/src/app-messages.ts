/**
 * Messages participants send each other over `sendData` (end-to-end encrypted in E2EE meetings).
 * JSON in UTF-8; anything that does not parse as one of these is ignored.
 */
export const REACTIONS = ['👍', '👏', '😂', '❤️', '🎉', '✋'] as const;
export type Reaction = (typeof REACTIONS)[number];

export type AppMessage = { type: 'reaction'; emoji: Reaction };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeAppMessage(message: AppMessage): Uint8Array {
  return encoder.encode(JSON.stringify(message));
}

export function decodeAppMessage(data: Uint8Array): AppMessage | null {
  try {
    const value = JSON.parse(decoder.decode(data)) as { type?: unknown; emoji?: unknown };
    if (value?.type === 'reaction' && REACTIONS.includes(value.emoji as Reaction)) {
      return { type: 'reaction', emoji: value.emoji as Reaction };
    }
  } catch {
    // Not ours: ignored.
  }
  return null;
}
