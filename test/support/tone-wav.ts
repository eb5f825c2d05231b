import { writeFileSync } from 'node:fs';

/**
 * Writes a WAV file (16-bit mono) for Chromium's fake microphone (`--use-file-for-fake-audio-capture`,
 * which loops it) that sounds to the browser like someone talking: syllables of 250 ms (a voiced
 * tone with harmonics, its pitch moving) and 70 ms pauses. A steady tone would not do: the
 * browser's noise suppression fades a stationary sound out within seconds.
 */
export function writeToneWav(path: string, { seconds = 3, amplitude = 0.3, rate = 48_000 } = {}): string {
  const samples = Math.round(seconds * rate);
  const data = Buffer.alloc(samples * 2);
  const syllable = 0.32;
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    const inSyllable = t % syllable;
    const index = Math.floor(t / syllable);
    const pitch = 140 + ((index * 53) % 120);
    const voiced = inSyllable < 0.25 ? Math.sin((Math.PI * inSyllable) / 0.25) : 0;
    let value = 0;
    for (let h = 1; h <= 4; h++) value += Math.sin(2 * Math.PI * pitch * h * t) / h;
    data.writeInt16LE(Math.round(value * 0.5 * voiced * amplitude * 32767), i * 2);
  }
  return writeWav(path, data, rate);
}

/** Writes 16-bit mono PCM `data` (or float samples in [-1, 1]) as a WAV file. */
export function writeWav(path: string, samples: Buffer | Float32Array, rate: number): string {
  const data = Buffer.isBuffer(samples) ? samples : pcm16(samples as Float32Array);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
  return path;
}

function pcm16(samples: Float32Array): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  for (const [i, x] of samples.entries()) data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, x)) * 32767), i * 2);
  return data;
}
