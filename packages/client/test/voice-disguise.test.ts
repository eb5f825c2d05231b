import { describe, expect, it } from 'vitest';
import { formantsOf, movedFormant, pitchOf, vowel } from '../../../test/support/speech.ts';
import { polynomialFromRoots, polynomialRoots } from '../src/voice/lpc.ts';
import { McAdamsDisguise } from '../src/voice/mcadams.ts';

const RATE = 16_000;
const moved = movedFormant;

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

  it('moves formants alike at 48 kHz (α is defined on the 16 kHz scale, as published)', () => {
    const rate = 48_000;
    const input = vowel([700, 1220, 2600], { rate });
    const disguise = new McAdamsDisguise({ sampleRate: rate, alpha: 0.8 });
    const output = new Float32Array(input.length);
    for (let at = 0; at < input.length; at += 128) output.set(disguise.process(input.subarray(at, at + 128)), at);
    const stretch = output.subarray(18_000, 24_144);
    const [f1, f2] = formantsOf(stretch, rate, 32);
    expect(f1).toBeGreaterThan(moved(700, 0.8) * 0.92);
    expect(f1).toBeLessThan(moved(700, 0.8) * 1.08);
    expect(f2).toBeGreaterThan(moved(1220, 0.8) * 0.92);
    expect(f2).toBeLessThan(moved(1220, 0.8) * 1.08);
    expect(pitchOf(stretch, rate)).toBeCloseTo(pitchOf(input.subarray(18_000, 24_144), rate), 0);
  });

  it('keeps the level: moving the poles does not make the voice louder (a real voice clipped before this)', () => {
    const input = vowel([700, 1220, 2600]);
    const disguise = new McAdamsDisguise({ sampleRate: RATE, alpha: 0.65 });
    const output = disguise.process(input);
    const rms = (x: Float32Array) => Math.sqrt(x.reduce((sum, v) => sum + v * v, 0) / x.length);
    const ratio = rms(output.subarray(4000, 12_000)) / rms(input.subarray(4000, 12_000));
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
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
