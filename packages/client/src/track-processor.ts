/**
 * A local effect on our camera or microphone (background blur or replacement, voice disguise).
 * The SDK sends only a processor's output, on every path (bridge and peer to peer); the input
 * never leaves this browser.
 */
export interface TrackProcessor {
  /** A short name for the UI and logs in this browser, e.g. "blur". */
  readonly name: string;
  /** Starts processing `input`; rejects when the effect cannot run here (nothing is then sent). */
  process(input: MediaStreamTrack): Promise<ProcessedTrack>;
}

export interface ProcessedTrack {
  readonly track: MediaStreamTrack;
  /** Stops the processing and the output track; the input track stays the caller's. */
  stop(): void;
}

/** The sources a processor can be put on (a shared screen is sent as it is). */
export type ProcessedSource = 'microphone' | 'camera';
