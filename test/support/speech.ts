import { lpc, polynomialRoots } from '../../packages/client/src/voice/lpc.ts';

/**
 * Synthetic speech and its measurement, for the voice disguise tests (unit and browser): a vowel
 * with known formants and pitch, and estimates of both from any stretch of signal.
 */

/** A synthetic vowel: a pulse train at `f0` through resonators at the given formants (Hz). */
export function vowel(formants: number[], { rate = 16_000, seconds = 1, f0 = 120 } = {}): Float32Array {
  let signal = Float64Array.from({ length: Math.round(rate * seconds) }, (_, n) => (n % Math.round(rate / f0) === 0 ? 1 : 0));
  for (const frequency of formants) {
    const r = Math.exp((-Math.PI * 80) / rate);
    const theta = (2 * Math.PI * frequency) / rate;
    const [b1, b2] = [2 * r * Math.cos(theta), -r * r];
    const out = new Float64Array(signal.length);
    for (let n = 0; n < signal.length; n++) out[n] = (signal[n] as number) + b1 * (out[n - 1] ?? 0) + b2 * (out[n - 2] ?? 0);
    signal = out;
  }
  const peak = signal.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  return Float32Array.from(signal, (x) => (0.5 * x) / peak);
}

/** Formant frequencies (Hz) of a stretch of signal: the angles of its LPC model's sharp poles. */
export function formantsOf(signal: Float32Array, rate = 16_000, order = 12): number[] {
  const windowed = Float64Array.from(signal, (x, n) => x * (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / signal.length)));
  return polynomialRoots(lpc(windowed, order))
    .filter((z) => z.im > 0 && Math.hypot(z.re, z.im) > 0.9)
    .map((z) => (Math.atan2(z.im, z.re) * rate) / (2 * Math.PI))
    .filter((f) => f > 200)
    .sort((a, b) => a - b);
}

/** Fundamental frequency (Hz) by autocorrelation, between 70 and 400 Hz. */
export function pitchOf(signal: Float32Array, rate = 16_000): number {
  let best = 0;
  let bestLag = 0;
  for (let lag = Math.floor(rate / 400); lag <= Math.ceil(rate / 70); lag++) {
    let sum = 0;
    for (let n = lag; n < signal.length; n++) sum += (signal[n] as number) * (signal[n - lag] as number);
    if (sum > best) [best, bestLag] = [sum, lag];
  }
  return rate / bestLag;
}

/** The McAdams target: where a formant at f Hz goes when its angle at 16 kHz, φ, becomes φ^α. */
export const movedFormant = (f: number, alpha: number) => (((2 * Math.PI * f) / 16_000) ** alpha * 16_000) / (2 * Math.PI);
