/**
 * The AudioWorklet side of voice disguise: runs McAdams on the audio thread, block by block,
 * so the main thread's load never makes the voice stutter. Loaded with `audioWorklet.addModule`.
 */
import { McAdamsDisguise } from './mcadams.ts';

// The AudioWorkletGlobalScope is not in TypeScript's DOM library.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(
  name: string,
  processor: new (options: { processorOptions: { alpha: number } }) => unknown,
): void;

class VoiceDisguiseProcessor extends AudioWorkletProcessor {
  readonly #disguise: McAdamsDisguise;
  /** Time spent per block, summed (read by the page for the CPU figure). */
  #busyMs = 0;
  #blocks = 0;

  constructor(options: { processorOptions: { alpha: number } }) {
    super();
    this.#disguise = new McAdamsDisguise({ sampleRate, alpha: options.processorOptions.alpha });
    this.port.postMessage({ latency: this.#disguise.latency / sampleRate });
    this.port.onmessage = () => this.port.postMessage({ blocks: this.#blocks, busyMs: this.#busyMs });
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const input = inputs[0]?.[0];
    const output = outputs[0];
    if (!output) return true;
    // No performance.now() in a worklet: Date.now()'s 1 ms ticks, averaged over many blocks, still
    // give an unbiased mean (a block crosses a tick with probability duration / 1 ms).
    const started = Date.now();
    // Silence in while the source has no data yet: the model's history keeps flowing.
    const processed = this.#disguise.process(input ?? new Float32Array(output[0]?.length ?? 128));
    for (const channel of output) channel.set(processed);
    this.#busyMs += Date.now() - started;
    this.#blocks++;
    return true;
  }
}

registerProcessor('sotto-voice-disguise', VoiceDisguiseProcessor);
