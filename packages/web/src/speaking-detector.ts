/** RMS level (0..1) above which the microphone hears someone speaking. */
const SPEAKING_LEVEL = 0.02;
const POLL_MS = 100;
/** Speech has pauses between syllables: sound in 5 of the last 10 polls (1 s) is speaking, a click is not. */
const WINDOW = 10;
const LOUD_IN_WINDOW = 5;

/**
 * Listens to a microphone track locally (nothing is sent anywhere) and calls `onSpeaking` when
 * it hears sustained sound. Used while we are muted, for the "you are speaking while muted" hint.
 * Returns a function that stops listening.
 */
export function detectSpeaking(track: MediaStreamTrack, onSpeaking: () => void): () => void {
  const context = new AudioContext();
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let recent: boolean[] = [];
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    recent = [...recent.slice(1 - WINDOW), Math.sqrt(sum / samples.length) >= SPEAKING_LEVEL];
    if (recent.filter(Boolean).length >= LOUD_IN_WINDOW) {
      recent = [];
      onSpeaking();
    }
  }, POLL_MS);
  return () => {
    clearInterval(timer);
    source.disconnect();
    context.close().catch(() => {});
  };
}
