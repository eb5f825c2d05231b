/**
 * A property of a fuzz target that does not hold: a work bound exceeded (more RTCP items than
 * the input has 32-bit words, more NACKed packets than the budget, ...) or a result that breaks
 * a rule (a non-relay candidate passing relayOnlySdp). Thrown by the targets; the fuzzer reports
 * it like any other exception.
 */
export class PropertyViolation extends Error {
  override name = 'PropertyViolation';
}

export function holds(condition: boolean, property: string): void {
  if (!condition) throw new PropertyViolation(property);
}

/** Runs `action`, letting through only errors that are instances of `allowed` (e.g. SdpError). */
export function throwsOnly(allowed: abstract new (...args: never[]) => Error, action: () => void): void {
  try {
    action();
  } catch (error) {
    if (!(error instanceof allowed)) throw error;
  }
}
