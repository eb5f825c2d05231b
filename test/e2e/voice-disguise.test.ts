import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinThroughUi, launchBrowser, newPage } from '../support/browser.ts';
import { useServerAndBrowser } from '../support/environment.ts';
import { sumInboundStat } from '../support/inbound-stat.ts';
import { formantsOf, movedFormant, pitchOf, vowel } from '../support/speech.ts';
import { writeWav } from '../support/tone-wav.ts';

const RATE = 48_000;
const FORMANTS = [700, 1220, 2600];
const PITCH = 120;

/**
 * Ana's microphone says a synthetic vowel (known formants, 120 Hz) in syllables: a steady sound
 * would be faded out by the browser's noise suppression.
 */
function vowelSyllables(): Float32Array {
  const sound = vowel(FORMANTS, { rate: RATE, seconds: 3, f0: PITCH });
  const syllable = Math.round(0.32 * RATE);
  const voiced = Math.round(0.25 * RATE);
  return sound.map((x, n) => {
    const at = n % syllable;
    return at < voiced ? x * Math.min(1, at / 960, (voiced - at) / 960) : 0;
  });
}

/** `seconds` of what Bo hears from `name`, taken from the received track (after SFU and E2EE). */
function hear(page: Page, name: string, seconds: number): Promise<{ rate: number; samples: number[] }> {
  return page.evaluate(
    async ({ name, seconds }) => {
      const conference = (
        window as unknown as {
          sottoConference: { participants: Map<string, { name: string; audioTrack: MediaStreamTrack | null }> };
        }
      ).sottoConference;
      const track = [...conference.participants.values()].find((p) => p.name === name)?.audioTrack;
      if (!track) throw new Error(`no audio from ${name}`);
      const Processor = (
        window as unknown as {
          MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<AudioData> };
        }
      ).MediaStreamTrackProcessor;
      const copy = track.clone();
      const reader = new Processor({ track: copy }).readable.getReader();
      const samples: number[] = [];
      let rate = 48_000;
      while (samples.length < seconds * rate) {
        const { value } = await reader.read();
        if (!value) break;
        rate = value.sampleRate;
        const plane = new Float32Array(value.numberOfFrames);
        value.copyTo(plane, { planeIndex: 0, format: 'f32-planar' });
        value.close();
        samples.push(...plane);
      }
      await reader.cancel();
      copy.stop();
      return { rate, samples };
    },
    { name, seconds },
  );
}

/** F1, F2 and pitch of the loudest stretches of what was heard (medians over ten of them). */
function analyse({ rate, samples }: { rate: number; samples: number[] }) {
  const window = Math.round(0.04 * rate);
  const hop = Math.round(0.02 * rate);
  const stretches: { energy: number; at: number }[] = [];
  for (let at = 0; at + window <= samples.length; at += hop) {
    let energy = 0;
    for (let n = at; n < at + window; n++) energy += (samples[n] as number) ** 2;
    stretches.push({ energy, at });
  }
  const loudest = stretches.sort((a, b) => b.energy - a.energy).slice(0, 10);
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  const measured = loudest.map(({ at }) => {
    const stretch = Float32Array.from(samples.slice(at, at + window));
    const [f1 = 0, f2 = 0] = formantsOf(stretch, rate, 32);
    return { f1, f2, pitch: pitchOf(stretch, rate) };
  });
  return {
    f1: median(measured.map((m) => m.f1)),
    f2: median(measured.map((m) => m.f2)),
    pitch: median(measured.map((m) => m.pitch)),
  };
}

describe('voice disguise at the receiver, through the SFU and E2EE', () => {
  const env = useServerAndBrowser();
  let anaBrowser: Browser;
  beforeAll(async () => {
    const wav = writeWav(join(mkdtempSync(join(tmpdir(), 'sotto-vowel-')), 'vowel.wav'), vowelSyllables(), RATE);
    anaBrowser = await launchBrowser([`--use-file-for-fake-audio-capture=${wav}`]);
  });
  afterAll(() => anaBrowser?.close());

  it('the medium preset moves the formants by its factor and keeps the pitch; Ana’s own tile says so', async () => {
    const url = `${env.server.url}/voice-room`;
    const { page: ana } = await newPage(anaBrowser, env.server.url);
    await joinThroughUi(ana, url, 'Ana');
    const { page: bo } = await newPage(env.browser, env.server.url);
    await joinThroughUi(bo, url, 'Bo');
    await expect.poll(() => bo.locator('.e2ee-badge').getAttribute('data-e2ee'), { timeout: 15_000 }).toBe('on');
    await expect
      .poll(() => bo.evaluate(sumInboundStat, { kind: 'audio', field: 'totalAudioEnergy' }), { timeout: 15_000 })
      .toBeGreaterThan(0);
    const plain = analyse(await hear(bo, 'Ana', 2.5));
    // The receiver hears the vowel as sent (the browser's processing and Opus keep formants and pitch).
    expect(plain.f1).toBeGreaterThan(700 * 0.85);
    expect(plain.f1).toBeLessThan(700 * 1.15);
    expect(plain.pitch).toBeCloseTo(PITCH, -1);

    await ana.getByRole('button', { name: 'More' }).click();
    await ana.getByRole('menuitem', { name: 'Privacy…' }).click();
    await ana.getByLabel('Voice disguise').selectOption('medium');
    await expect.poll(() => ana.locator('.tile[data-self] .effects').textContent()).toContain('Voice disguised');
    // The disguised track reaches Bo when the first formant has moved at all; then it is measured.
    await expect.poll(async () => analyse(await hear(bo, 'Ana', 1)).f1, { timeout: 20_000 }).toBeGreaterThan(plain.f1 * 1.1);
    const disguised = analyse(await hear(bo, 'Ana', 2.5));
    console.log('voice at the receiver', {
      plain,
      disguised,
      expected: { f1: movedFormant(plain.f1, 0.8), f2: movedFormant(plain.f2, 0.8) },
    });
    expect(disguised.f1).toBeGreaterThan(movedFormant(plain.f1, 0.8) * 0.88);
    expect(disguised.f1).toBeLessThan(movedFormant(plain.f1, 0.8) * 1.12);
    expect(disguised.f2).toBeGreaterThan(movedFormant(plain.f2, 0.8) * 0.88);
    expect(disguised.f2).toBeLessThan(movedFormant(plain.f2, 0.8) * 1.12);
    expect(Math.abs(disguised.pitch - plain.pitch)).toBeLessThan(plain.pitch * 0.05);
  });
});
