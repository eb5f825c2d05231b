/**
 * The last packets of one incoming stream by sequence number, to answer NACKs. Keeps references
 * to the buffers the engine handed us (no copies); a power-of-two ring indexed by sequence.
 */
export class PacketCache {
  readonly #slots: (Buffer | undefined)[];
  readonly #sequences: Int32Array;
  readonly #mask: number;

  constructor(size = 512) {
    if (!Number.isInteger(size) || size < 1 || size & (size - 1)) throw new Error('PacketCache size must be a power of two');
    this.#slots = new Array(size);
    this.#sequences = new Int32Array(size).fill(-1);
    this.#mask = size - 1;
  }

  put(sequence: number, packet: Buffer): void {
    const i = sequence & this.#mask;
    this.#slots[i] = packet;
    this.#sequences[i] = sequence;
  }

  get(sequence: number): Buffer | undefined {
    const i = sequence & this.#mask;
    return this.#sequences[i] === sequence ? this.#slots[i] : undefined;
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#sequences.fill(-1);
  }
}
