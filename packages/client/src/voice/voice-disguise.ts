import { ConferenceError } from '../errors.ts';
import type { ProcessedTrack, TrackProcessor } from '../track-processor.ts';
import workletUrl from './voice-disguise-worklet.ts?worker&url';

/**
 * The presets: each moves formants by the McAdams coefficient α (φ → φ^α). Lower is stronger and
 * less natural; the VoicePrivacy Challenge baseline uses 0.8.
 */
export const VOICE_DISGUISE_PRESETS = { light: 0.9, medium: 0.8, strong: 0.65 } as const;
export type VoiceDisguisePreset = keyof typeof VOICE_DISGUISE_PRESETS;

/** How a disguised microphone is doing (for the UI and the performance figures). */
export interface VoiceDisguiseStats {
  /** Delay the disguise adds, in seconds (one analysis frame). */
  latency: number;
  /** Mean time the audio thread spent per 128-sample block, in ms. */
  msPerBlock: number;
}

/** A disguised microphone: its output track, and how it is doing. */
export interface DisguisedVoice extends ProcessedTrack {
  stats(): Promise<VoiceDisguiseStats>;
}

/**
 * Voice disguise, before encoding: the microphone goes through an AudioWorklet that moves the
 * formants (who you sound like) and keeps pitch and words. It stops casual recognition, not
 * someone who knows the method and can invert it: disguise, not anonymity.
 */
export function voiceDisguise(
  preset: VoiceDisguisePreset,
  options: { workletUrl?: string } = {},
): TrackProcessor & {
  process(input: MediaStreamTrack): Promise<DisguisedVoice>;
  /** How the disguise's latest run is doing (null before it runs). */
  stats(): Promise<VoiceDisguiseStats | null>;
} {
  const alpha = VOICE_DISGUISE_PRESETS[preset];
  let latest: DisguisedVoice | null = null;
  return {
    stats: () => latest?.stats() ?? Promise.resolve(null),
    name: `voice disguise (${preset})`,
    async process(input: MediaStreamTrack): Promise<DisguisedVoice> {
      if (typeof AudioWorkletNode === 'undefined')
        throw new ConferenceError('media-failed', 'this browser cannot disguise a voice');
      const context = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
      try {
        await context.audioWorklet.addModule(options.workletUrl ?? workletUrl);
        const node = new AudioWorkletNode(context, 'sotto-voice-disguise', { processorOptions: { alpha } });
        let latency = 0;
        const firstMessage = new Promise<void>((resolve) => {
          node.port.onmessage = (event: MessageEvent<{ latency: number }>) => {
            latency = event.data.latency;
            resolve();
          };
        });
        const destination = context.createMediaStreamDestination();
        context
          .createMediaStreamSource(new MediaStream([input]))
          .connect(node)
          .connect(destination);
        await firstMessage;
        // A context made without a user gesture may start suspended.
        if (context.state !== 'running') await context.resume();
        const [track] = destination.stream.getAudioTracks();
        if (!track) throw new Error('no output track');
        latest = {
          track,
          stop: () => {
            track.stop();
            void context.close();
          },
          stats: () =>
            new Promise((resolve) => {
              node.port.onmessage = (event: MessageEvent<{ blocks: number; busyMs: number }>) =>
                resolve({ latency, msPerBlock: event.data.blocks ? event.data.busyMs / event.data.blocks : 0 });
              node.port.postMessage('stats');
            }),
        };
        return latest;
      } catch (error) {
        void context.close();
        throw error instanceof ConferenceError
          ? error
          : new ConferenceError('media-failed', `voice disguise could not start (${String(error)})`);
      }
    },
  };
}
