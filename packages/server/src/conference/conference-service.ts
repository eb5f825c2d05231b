import type { Engine } from '../sfu/engine/engine.ts';
import type { RouterOptions } from '../sfu/router.ts';
import { Room } from './room.ts';

export interface ConferenceOptions {
  maxMembersPerRoom: number;
  routing: RouterOptions;
}

/** All live rooms, by name. Rooms exist only while someone is in them; nothing is stored. */
export class ConferenceService {
  readonly #engine: Engine;
  readonly #options: ConferenceOptions;
  readonly #rooms = new Map<string, Room>();

  constructor(engine: Engine, options: ConferenceOptions) {
    this.#engine = engine;
    this.#options = options;
  }

  get roomCount(): number {
    return this.#rooms.size;
  }

  rooms(): IterableIterator<Room> {
    return this.#rooms.values();
  }

  room(name: string): Room {
    let room = this.#rooms.get(name);
    if (!room) {
      const created = new Room(this.#engine, {
        maxMembers: this.#options.maxMembersPerRoom,
        routing: this.#options.routing,
        onEmpty: () => {
          if (this.#rooms.get(name) === created) this.#rooms.delete(name);
        },
      });
      room = created;
      this.#rooms.set(name, room);
    }
    return room;
  }

  close(): void {
    for (const room of [...this.#rooms.values()]) room.router.close();
    this.#rooms.clear();
  }
}
