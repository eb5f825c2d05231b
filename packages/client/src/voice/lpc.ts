/** Linear prediction and the polynomial arithmetic the McAdams voice disguise needs. */

export interface Complex {
  re: number;
  im: number;
}

/**
 * LPC coefficients of `order` by the autocorrelation method (Levinson–Durbin): a[0] = 1 and the
 * prediction error filter is A(z) = Σ a[k]·z^-k. A silent frame gives A(z) = 1.
 */
export function lpc(frame: ArrayLike<number>, order: number): Float64Array {
  const r = new Float64Array(order + 1);
  for (let lag = 0; lag <= order; lag++) {
    let sum = 0;
    for (let n = lag; n < frame.length; n++) sum += (frame[n] as number) * (frame[n - lag] as number);
    r[lag] = sum;
  }
  // A little white noise (−40 dB) keeps the recursion stable on very clean signals.
  r[0] = (r[0] as number) * (1 + 1e-4);
  const a = new Float64Array(order + 1);
  a[0] = 1;
  let error = r[0] as number;
  if (!(error > 0)) return a;
  const previous = new Float64Array(order + 1);
  for (let i = 1; i <= order; i++) {
    let acc = r[i] as number;
    for (let j = 1; j < i; j++) acc += (a[j] as number) * (r[i - j] as number);
    const k = -acc / error;
    previous.set(a);
    for (let j = 1; j < i; j++) a[j] = (previous[j] as number) + k * (previous[i - j] as number);
    a[i] = k;
    error *= 1 - k * k;
    if (!(error > 0)) break;
  }
  return a;
}

/** The roots of the monic polynomial z^n + c[1]·z^(n-1) + … + c[n] (c[0] = 1), by Durand–Kerner. */
export function polynomialRoots(c: ArrayLike<number>, iterations = 400): Complex[] {
  const n = c.length - 1;
  const roots: Complex[] = [];
  let seed: Complex = { re: 1, im: 0 };
  const base = { re: 0.4, im: 0.9 };
  for (let i = 0; i < n; i++) {
    roots.push(seed);
    seed = multiply(seed, base);
  }
  for (let iteration = 0; iteration < iterations; iteration++) {
    let largest = 0;
    for (let i = 0; i < n; i++) {
      const z = roots[i] as Complex;
      let value: Complex = { re: 1, im: 0 };
      for (let k = 1; k <= n; k++) value = add(multiply(value, z), { re: c[k] as number, im: 0 });
      let denominator: Complex = { re: 1, im: 0 };
      for (let j = 0; j < n; j++) if (j !== i) denominator = multiply(denominator, subtract(z, roots[j] as Complex));
      const step = divide(value, denominator);
      roots[i] = subtract(z, step);
      largest = Math.max(largest, Math.hypot(step.re, step.im));
    }
    if (largest < 1e-12) break;
  }
  return roots;
}

/** The real coefficients (c[0] = 1) of the monic polynomial with these roots (conjugate pairs). */
export function polynomialFromRoots(roots: readonly Complex[]): Float64Array {
  let coefficients: Complex[] = [{ re: 1, im: 0 }];
  for (const root of roots) {
    const next: Complex[] = coefficients.map((x) => ({ ...x }));
    next.push({ re: 0, im: 0 });
    for (let k = 1; k < next.length; k++) next[k] = subtract(next[k] as Complex, multiply(root, coefficients[k - 1] as Complex));
    coefficients = next;
  }
  return Float64Array.from(coefficients, (x) => x.re);
}

const add = (a: Complex, b: Complex): Complex => ({ re: a.re + b.re, im: a.im + b.im });
const subtract = (a: Complex, b: Complex): Complex => ({ re: a.re - b.re, im: a.im - b.im });
const multiply = (a: Complex, b: Complex): Complex => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re });
function divide(a: Complex, b: Complex): Complex {
  const d = b.re * b.re + b.im * b.im || Number.MIN_VALUE;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
}
