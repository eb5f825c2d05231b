import type { EngineTrack } from '../../src/sfu/engine/engine-connection.ts';

/** An engine track the test drives: packets in by hand, packets out recorded. */
export class FakeTrack {
  sent: Buffer[] = [];
  #onPacket: (packet: Buffer) => void = () => {};
  #onOpen: () => void = () => {};
  onPacket(handler: (packet: Buffer) => void): void {
    this.#onPacket = handler;
  }
  onOpen(handler: () => void): void {
    this.#onOpen = handler;
  }
  open(): void {
    this.#onOpen();
  }
  receive(packet: Buffer): void {
    this.#onPacket(packet);
  }
  send(packet: Buffer): boolean {
    this.sent.push(Buffer.from(packet));
    return true;
  }
  close(): void {}
}

export const asTrack = (track: FakeTrack) => track as unknown as EngineTrack;
