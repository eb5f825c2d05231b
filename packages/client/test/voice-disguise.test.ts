import { describe, expect, it } from 'vitest';
import { lpc, polynomialFromRoots, polynomialRoots } from '../src/voice/lpc.ts';
import { McAdamsDisguise } from '../src/voice/mcadams.ts';

const RATE = 16_000;

/** A synthetic vowel: a 120 Hz pulse train through resonators at the given formants (Hz). */
function vowel(formants: number[], seconds = 1, f0 = 120): Float32Array {
  let signal = Float64Array.from({ length: RATE * seconds }, (_, n) => (n % Math.round(RATE / f0) === 0 ? 1 : 0));
  for (const frequency of formants) {
    const r = Math.exp((-Math.PI * 80) / RATE);
    const theta = (2 * Math.PI * frequency) / RATE;
    const [b1, b2] = [2 * r * Math.cos(theta), -r * r];
    const out = new Float64Array(signal.length);
    for (let n = 0; n < signal.length; n++) out[n] = (signal[n] as number) + b1 * (out[n - 1] ?? 0) + b2 * (out[n - 2] ?? 0);
    signal = out;
  }
  const peak = signal.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  return Float32Array.from(signal, (x) => (0.5 * x) / peak);
}

/** Formant frequencies (Hz) of a stretch of signal: the angles of its LPC model's sharp poles. */
function formantsOf(signal: Float32Array): number[] {
  const windowed = Float64Array.from(signal, (x, n) => x * (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / signal.length)));
  return polynomialRoots(lpc(windowed, 12))
    .filter((z) => z.im > 0 && Math.hypot(z.re, z.im) > 0.9)
    .map((z) => (Math.atan2(z.im, z.re) * RATE) / (2 * Math.PI))
    .filter((f) => f > 200)
    .sort((a, b) => a - b);
}

/** Fundamental frequency (Hz) by autocorrelation, between 70 and 400 Hz. */
function pitchOf(signal: Float32Array): number {
  let best = 0;
  let bestLag = 0;
  for (let lag = Math.floor(RATE / 400); lag <= Math.ceil(RATE / 70); lag++) {
    let sum = 0;
    for (let n = lag; n < signal.length; n++) sum += (signal[n] as number) * (signal[n - lag] as number);
    if (sum > best) [best, bestLag] = [sum, lag];
  }
  return RATE / bestLag;
}

/** The McAdams target: a formant at f Hz moves to where its angle φ = 2πf/fs goes under φ^α. */
const moved = (f: number, alpha: number) => (((2 * Math.PI * f) / RATE) ** alpha * RATE) / (2 * Math.PI);

describe('linear prediction', () => {
  it('finds the roots of a polynomial and builds it back', () => {
    const roots = polynomialRoots([1, -1.8, 1.62, -0.729]); // (z − 0.9)(z² − 0.9z + 0.81)
    expect(roots.some((z) => Math.abs(z.re - 0.9) < 1e-9 && Math.abs(z.im) < 1e-9)).toBe(true);
    const rebuilt = polynomialFromRoots(roots);
    for (const [k, c] of [1, -1.8, 1.62, -0.729].entries()) expect(rebuilt[k]).toBeCloseTo(c, 9);
  });

  it('models a synthetic vowel’s formants', () => {
    const [f1, f2] = formantsOf(vowel([700, 1220, 2600]).subarray(4000, 6048));
    expect(f1).toBeGreaterThan(650);
    expect(f1).toBeLessThan(750);
    expect(f2).toBeGreaterThan(1150);
    expect(f2).toBeLessThan(1290);
  });
});

describe('McAdams voice disguise', () => {
  it('moves the formants by the preset’s factor and keeps the pitch', () => {
    const input = vowel([700, 1220, 2600]);
    const disguise = new McAdamsDisguise({ sampleRate: RATE, alpha: 0.8 });
    const output = new Float32Array(input.length);
    // In 128-sample blocks, as an AudioWorklet gets them.
    for (let at = 0; at < input.length; at += 128) output.set(disguise.process(input.subarray(at, at + 128)), at);
    const stretch = output.subarray(6000, 8048);
    const [f1, f2] = formantsOf(stretch);
    expect(f1).toBeGreaterThan(moved(700, 0.8) * 0.92);
    expect(f1).toBeLessThan(moved(700, 0.8) * 1.08);
    expect(f2).toBeGreaterThan(moved(1220, 0.8) * 0.92);
    expect(f2).toBeLessThan(moved(1220, 0.8) * 1.08);
    expect(pitchOf(stretch)).toBeCloseTo(pitchOf(input.subarray(6000, 8048)), 0);
    expect(disguise.latency / RATE).toBeCloseTo(0.02, 3);
  });

  it('with α = 1 gives the input back, one frame later', () => {
    const input = vowel([500, 1500]);
    const disguise = new McAdamsDisguise({ sampleRate: RATE, alpha: 1 });
    const output = disguise.process(input);
    let error = 0;
    for (let n = 4000; n < 8000; n++)
      error = Math.max(error, Math.abs((output[n] as number) - (input[n - disguise.latency] as number)));
    expect(error).toBeLessThan(1e-3);
  });
});
