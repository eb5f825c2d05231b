import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../src/app-channel.ts';
import { AppChannel } from '../src/app-channel.ts';
import { encodeAppMessage, MAX_CHAT_LENGTH } from '../src/app-messages.ts';

function channel(sealed: boolean) {
  const sent: Array<{ data: string; to: string | undefined }> = [];
  const app = new AppChannel({
    send: async (data, to) => {
      sent.push({ data: new TextDecoder().decode(data), to });
    },
    selfId: () => 'me',
    isParticipant: (id) => id === 'ana' || id === 'bo',
    sealsPrivateMessages: () => sealed,
  });
  const chats: ChatMessage[] = [];
  app.on('chat', (m) => chats.push(m));
  return { app, sent, chats };
}

const chat = (text: string, isPrivate = false) => encodeAppMessage({ type: 'chat', text, private: isPrivate });

describe('chat over the app channel', () => {
  it('sends to everyone or to one participant, and shows our own message at once', async () => {
    const { app, sent, chats } = channel(true);
    await app.chat('  hello all  ');
    await app.chat('just you', 'ana');
    expect(sent).toEqual([
      { data: JSON.stringify({ type: 'chat', text: 'hello all', private: false }), to: undefined },
      { data: JSON.stringify({ type: 'chat', text: 'just you', private: true }), to: 'ana' },
    ]);
    expect(chats.map((m) => [m.from, m.to, m.text])).toEqual([
      ['me', null, 'hello all'],
      ['me', 'ana', 'just you'],
    ]);
  });

  it('refuses empty and over-long messages before sending anything', async () => {
    const { app, sent } = channel(true);
    await expect(app.chat('   ')).rejects.toThrow('an empty message');
    await expect(app.chat('x'.repeat(MAX_CHAT_LENGTH + 1))).rejects.toThrow(/at most/);
    expect(sent).toEqual([]);
  });

  it('under E2EE only a sealed message counts as private, whatever it claims', () => {
    const { app, chats } = channel(true);
    app.receive('ana', chat('sealed for me', true), true);
    // Claims to be private but came unsealed (a modified client, or a server replaying it to all).
    app.receive('ana', chat('claims private', true), false);
    expect(chats.map((m) => [m.from, m.to, m.text])).toEqual([
      ['ana', 'me', 'sealed for me'],
      ['ana', null, 'claims private'],
    ]);
  });

  it('drops what comes from someone not in the meeting, and what is not a chat message', () => {
    const { app, chats } = channel(false);
    app.receive('mallory', chat('hi'), false);
    app.receive('bo', new TextEncoder().encode('{"type":"chat","text":42}'), false);
    app.receive('bo', new TextEncoder().encode('not json'), false);
    app.receive('bo', chat('private without E2EE', true), false);
    expect(chats.map((m) => [m.from, m.to, m.text])).toEqual([['bo', 'me', 'private without E2EE']]);
  });
});
