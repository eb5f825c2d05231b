// The part of istanbul-lib-instrument's API the fuzzer uses (the package ships no types).
declare module 'istanbul-lib-instrument' {
  export interface InstrumenterOptions {
    coverageVariable?: string;
    esModules?: boolean;
    compact?: boolean;
    preserveComments?: boolean;
    produceSourceMap?: boolean;
    coverageGlobalScope?: string;
    coverageGlobalScopeFunc?: boolean;
  }
  export interface Instrumenter {
    instrumentSync(code: string, filename: string): string;
  }
  export function createInstrumenter(options?: InstrumenterOptions): Instrumenter;
}
