import { describe, expect, it } from 'vitest';
import type { ConferenceEvents } from '../src/conference-types.ts';
import { Emitter } from '../src/emitter.ts';

class Events extends Emitter<ConferenceEvents> {
  fire<K extends keyof ConferenceEvents>(event: K, ...args: ConferenceEvents[K]): void {
    this.emit(event, ...args);
  }
}

describe('typed events', () => {
  it('hands each listener exactly the arguments of its event, and a failing listener does not stop the others', () => {
    const events = new Events();
    const seen: string[] = [];
    events.on('state', (state) => seen.push(`a:${state}`));
    events.on('state', () => {
      throw new Error('a listener that fails');
    });
    const off = events.on('state', (state) => seen.push(`b:${state}`));
    const error = console.error;
    console.error = () => {};
    events.fire('state', 'joined');
    off();
    events.fire('state', 'left');
    console.error = error;
    expect(seen).toEqual(['a:joined', 'b:joined', 'a:left']);
  });

  it('does not compile a misspelt event name or wrong arguments (checked by `npm run typecheck`)', () => {
    const events = new Events();
    const calls: unknown[] = [];
    // @ts-expect-error: there is no 'participant-join' event
    events.on('participant-join', (...args: unknown[]) => calls.push(args));
    // @ts-expect-error: 'state' carries a ConferenceState
    events.fire('state', 42);
    // Only the type checker can catch the misspelling: at run time the listener just never hears anything.
    expect(calls).toEqual([]);
  });
});
