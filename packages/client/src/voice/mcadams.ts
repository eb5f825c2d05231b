import type { Complex } from './lpc.ts';
import { lpc, polynomialFromRoots, polynomialRoots } from './lpc.ts';

export interface McAdamsOptions {
  sampleRate: number;
  /** The McAdams coefficient: each formant pole's angle φ becomes φ^alpha (about 0.5 to 0.9). */
  alpha: number;
  /**
   * LPC order: 20 at 16 kHz (as published), 32 above. At 48 kHz, 20 poles spread over 24 kHz
   * leave the formants in the residual, where they are not moved (measured: F1 moved 11% of
   * the way instead of 29%).
   */
  order?: number;
  /** Frame length in ms (20); frames overlap by half. */
  frameMs?: number;
}

/**
 * The rate at which α is defined. φ^α depends on the sampling rate (the same formant has a third
 * of the angle at 48 kHz as at 16 kHz), and the published method and results (the VoicePrivacy
 * Challenge) are at 16 kHz: angles are measured on that scale, so a preset moves formants alike
 * at any rate.
 */
const REFERENCE_RATE = 16_000;

/**
 * Voice disguise by the McAdams coefficient (as in the VoicePrivacy Challenge baseline): per 20 ms
 * frame, an LPC model of the vocal tract; its complex poles' angles φ move to φ^α, which moves
 * the formants (who you sound like) and keeps the excitation — the LPC residual, and with it the
 * pitch and what is said. Frames overlap by half under a square-root Hann window on both sides,
 * which sums back to the signal. Output lags input by one frame.
 */
export class McAdamsDisguise {
  readonly #alpha: number;
  /** Radians at this rate per radian at the reference rate's scale. */
  readonly #scale: number;
  readonly #order: number;
  readonly #frame: number;
  readonly #hop: number;
  readonly #window: Float64Array;
  /** The last frame of input (the older half, then the newer). */
  readonly #input: Float64Array;
  #filled = 0;
  /** Overlap-added output: the first hop is complete once a frame has been added. */
  readonly #output: Float64Array;
  readonly #ready: number[] = [];

  constructor(options: McAdamsOptions) {
    this.#alpha = options.alpha;
    this.#scale = options.sampleRate / REFERENCE_RATE;
    this.#order = options.order ?? (options.sampleRate > REFERENCE_RATE ? 32 : 20);
    this.#frame = 2 * Math.round((options.sampleRate * (options.frameMs ?? 20)) / 2000);
    this.#hop = this.#frame / 2;
    // Periodic Hann, square-rooted: analysis × synthesis sums to 1 at half overlap.
    this.#window = Float64Array.from({ length: this.#frame }, (_, n) =>
      Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * n) / this.#frame)),
    );
    this.#input = new Float64Array(this.#frame);
    this.#output = new Float64Array(this.#frame);
    this.#filled = this.#hop;
  }

  /** Samples of delay between input and output. */
  get latency(): number {
    return this.#frame;
  }

  /** Takes any number of samples and gives as many back (the first `latency` are silence). */
  process(samples: Float32Array): Float32Array {
    const out = new Float32Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      out[i] = this.#ready.length > 0 ? (this.#ready.shift() as number) : 0;
      this.#input[this.#filled++] = samples[i] as number;
      if (this.#filled === this.#frame) this.#processFrame();
    }
    return out;
  }

  #processFrame(): void {
    const frame = new Float64Array(this.#frame);
    for (let n = 0; n < this.#frame; n++) frame[n] = (this.#input[n] as number) * (this.#window[n] as number);
    const a = lpc(frame, this.#order);
    const shifted = this.#shiftPoles(a);
    // Residual through A(z), then re-synthesis through 1/A'(z).
    const result = new Float64Array(this.#frame);
    for (let n = 0; n < this.#frame; n++) {
      let residual = 0;
      for (let k = 0; k <= this.#order && k <= n; k++) residual += (a[k] as number) * (frame[n - k] as number);
      let y = residual;
      for (let k = 1; k <= this.#order && k <= n; k++) y -= (shifted[k] as number) * (result[n - k] as number);
      result[n] = y;
    }
    // Moved poles change the filter's gain (by up to tens of dB on a real voice, which then
    // clips): each frame keeps the energy it came in with.
    let energyIn = 0;
    let energyOut = 0;
    for (let n = 0; n < this.#frame; n++) {
      energyIn += (frame[n] as number) ** 2;
      energyOut += (result[n] as number) ** 2;
    }
    const gain = energyOut > 0 ? Math.sqrt(energyIn / energyOut) : 0;
    for (let n = 0; n < this.#frame; n++)
      this.#output[n] = (this.#output[n] as number) + gain * (result[n] as number) * (this.#window[n] as number);
    for (let n = 0; n < this.#hop; n++) this.#ready.push(this.#output[n] as number);
    this.#output.copyWithin(0, this.#hop);
    this.#output.fill(0, this.#hop);
    this.#input.copyWithin(0, this.#hop);
    this.#filled = this.#hop;
  }

  /** A'(z): each complex pole pair's angle φ → φ^α, magnitudes and real poles kept. */
  #shiftPoles(a: Float64Array): Float64Array {
    if (a.every((value, k) => k === 0 || value === 0)) return a;
    const roots = polynomialRoots(a);
    const moved: Complex[] = [];
    for (const root of roots) {
      if (Math.abs(root.im) < 1e-9) moved.push(root);
      else if (root.im > 0) {
        const radius = Math.hypot(root.re, root.im);
        const reference = Math.atan2(root.im, root.re) * this.#scale;
        const angle = Math.min(Math.PI - 1e-6, reference ** this.#alpha / this.#scale);
        const shifted = { re: radius * Math.cos(angle), im: radius * Math.sin(angle) };
        moved.push(shifted, { re: shifted.re, im: -shifted.im });
      }
    }
    // A root that Durand–Kerner left unpaired would break the real coefficients: keep the frame as it is.
    return moved.length === roots.length ? polynomialFromRoots(moved) : a;
  }
}
