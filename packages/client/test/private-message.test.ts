import { describe, expect, it } from 'vitest';
import { Meeting } from './helpers/mls-meeting.ts';

const text = (s: string) => new TextEncoder().encode(s);

/** Waits for something that must happen (generous: the machine may be busy). */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function threeMembers(): Promise<Meeting> {
  const meeting = new Meeting();
  for (const id of ['alice', 'bob', 'carol']) await meeting.join(id);
  await meeting.converged();
  return meeting;
}

describe('a message for one member', () => {
  it('reaches only that member, marked private; group messages still reach everyone', async () => {
    const meeting = await threeMembers();
    await meeting.members.get('alice')?.send(text('just for you'), 'bob');
    await meeting.members.get('alice')?.send(text('for all'));
    // Each member gets Alice's messages in order: once both have the later one, nothing earlier is still on its way.
    const has = (to: string) => meeting.received.some(([m, , body]) => m === to && body === 'for all');
    await until(() => has('bob') && has('carol'));
    expect(meeting.received.sort()).toEqual([
      ['bob', 'alice', 'for all'],
      ['bob', 'alice', 'private:just for you'],
      ['carol', 'alice', 'for all'],
    ]);
  });

  it('cannot be read by another member when a hostile server passes it on', async () => {
    const meeting = await threeMembers();
    await meeting.members.get('alice')?.send(text('just for you'), 'bob');
    await until(() => meeting.received.length === 1);
    // The server forwards the private message's bytes to Carol too, as from Alice (true, so MLS
    // authenticates it): Carol can decrypt the MLS layer, not the message sealed for Bob.
    meeting.deliver('carol', { type: 'relay', from: 'alice', payload: meeting.relayed.at(-1) as string });
    await meeting.members.get('alice')?.send(text('for all'));
    await until(() => meeting.received.some(([to, , body]) => to === 'carol' && body === 'for all'));
    expect(meeting.received.filter(([to]) => to === 'carol')).toEqual([['carol', 'alice', 'for all']]);
  });

  it('is refused for someone who is not in the group', async () => {
    const meeting = await threeMembers();
    await expect(meeting.members.get('alice')?.send(text('hello?'), 'dave')).rejects.toThrow(/does not hold the meeting keys/);
  });
});
