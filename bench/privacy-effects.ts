import { readdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { McAdamsDisguise } from '../packages/client/src/voice/mcadams.ts';
import { joinThroughUi, launchBrowser, newPage } from '../test/support/browser.ts';
import { vowel } from '../test/support/speech.ts';
import { startBrowserBenchServer, WEB_ROOT } from './browser-bench-server.ts';
import { cpuTimeMs, median } from './process-usage.ts';

const WINDOW_S = 15;

export interface PrivacyEffectsResult {
  /** McAdams at 48 kHz in Node: milliseconds of work per second of audio (per run). */
  voiceMsPerSecond: number[];
  /** Delay the disguise adds in the browser (the worklet and its extra audio context hop), ms. */
  voiceAddedLatencyMs: number[];
  /** The audio thread's time per 128-sample block in a meeting, ms. */
  voiceMsPerBlock: number[];
  /** The sender's browser, all its processes, in % of one core: camera as it is, then blurred. */
  senderCpu: { none: number[]; blur: number[] };
  /** The blur worker: time per processed frame (ms) and frames processed per second. */
  blurMsPerFrame: number[];
  /** Of which the model. */
  blurSegmentMsPerFrame: number[];
  blurFps: number[];
}

/** Node: McAdams on 3 s of a synthetic vowel at 48 kHz, in 128-sample blocks as a worklet gets them. */
function voiceCost(): number {
  const input = vowel([700, 1220, 2600], { rate: 48_000, seconds: 3 });
  const disguise = new McAdamsDisguise({ sampleRate: 48_000, alpha: 0.8 });
  const started = performance.now();
  for (let at = 0; at < input.length; at += 128) disguise.process(input.subarray(at, at + 128));
  return (performance.now() - started) / 3;
}

/** CPU time of a browser and every process under it (its renderers, GPU and utility processes). */
function browserTreeCpuMs(marker: string): number {
  const parents = new Map<number, number>();
  let root = 0;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (!root && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) root = pid;
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: number): boolean => pid === root || (pid > 1 && inTree(parents.get(pid) ?? 0));
  let total = 0;
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    try {
      total += cpuTimeMs(pid);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** In the page: how much later a click arrives through the disguise worklet than directly (ms). */
function addedLatency(page: Page, workletUrl: string): Promise<number> {
  return page.evaluate(async (url) => {
    const rate = 48_000;
    const source = new AudioContext({ sampleRate: rate });
    const clicks = source.createBuffer(1, rate / 4, rate);
    clicks.getChannelData(0)[0] = 0.9;
    const player = source.createBufferSource();
    player.buffer = clicks;
    player.loop = true;
    const direct = source.createMediaStreamDestination();
    player.connect(direct);
    player.start();
    const [track] = direct.stream.getAudioTracks() as [MediaStreamTrack];
    // The disguise's graph, as voiceDisguise builds it, with α = 1 (the input comes back as it was).
    const disguise = new AudioContext({ sampleRate: rate, latencyHint: 'interactive' });
    await disguise.audioWorklet.addModule(url);
    const node = new AudioWorkletNode(disguise, 'sotto-voice-disguise', { processorOptions: { alpha: 1 } });
    const disguised = disguise.createMediaStreamDestination();
    disguise
      .createMediaStreamSource(new MediaStream([track]))
      .connect(node)
      .connect(disguised);
    // Both into one stereo track: left direct, right through the worklet.
    const listener = new AudioContext({ sampleRate: rate });
    const merger = listener.createChannelMerger(2);
    listener.createMediaStreamSource(new MediaStream([track])).connect(merger, 0, 0);
    listener.createMediaStreamSource(disguised.stream).connect(merger, 0, 1);
    const both = listener.createMediaStreamDestination();
    both.channelCount = 2;
    merger.connect(both);
    const Processor = (
      window as unknown as {
        MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<AudioData> };
      }
    ).MediaStreamTrackProcessor;
    const reader = new Processor({ track: both.stream.getAudioTracks()[0] as MediaStreamTrack }).readable.getReader();
    const left: number[] = [];
    const right: number[] = [];
    while (left.length < rate * 2) {
      const { value } = await reader.read();
      if (!value) break;
      const plane = new Float32Array(value.numberOfFrames);
      value.copyTo(plane, { planeIndex: 0, format: 'f32-planar' });
      left.push(...plane);
      value.copyTo(plane, { planeIndex: Math.min(1, value.numberOfChannels - 1), format: 'f32-planar' });
      right.push(...plane);
      value.close();
    }
    for (const context of [source, disguise, listener]) void context.close();
    // The lag (up to 200 ms) at which the right channel best matches the left.
    let best = 0;
    let bestLag = 0;
    for (let lag = 0; lag < rate / 5; lag++) {
      let sum = 0;
      for (let n = rate / 2; n < left.length - lag; n++) sum += (left[n] as number) * (right[n + lag] as number);
      if (sum > best) [best, bestLag] = [sum, lag];
    }
    return (bestLag / rate) * 1000;
  }, workletUrl);
}

async function choose(page: Page, label: 'Blur' | 'As it is' | null, voice: string | null): Promise<void> {
  await page.getByRole('button', { name: 'More' }).click();
  await page.getByRole('menuitem', { name: 'Privacy…' }).click();
  if (label) await page.getByRole('radio', { name: label }).check();
  if (voice) await page.getByLabel('Voice disguise').selectOption(voice);
  await page.getByRole('button', { name: 'Close' }).click();
}

type Effects = { sottoEffects?: Record<string, { stats(): Promise<Record<string, number> | null> } | null> };
const effectStats = (page: Page, source: 'camera' | 'microphone') =>
  page.evaluate((source) => (window as unknown as Effects).sottoEffects?.[source]?.stats() ?? null, source);

/**
 * Two browsers in a meeting; the sender's camera alternates between as it is and blurred
 * (`runs` windows of 15 s each), and its voice is disguised throughout the blurred windows.
 */
export async function measurePrivacyEffects(runs: number): Promise<PrivacyEffectsResult> {
  const result: PrivacyEffectsResult = {
    voiceMsPerSecond: [],
    voiceAddedLatencyMs: [],
    voiceMsPerBlock: [],
    senderCpu: { none: [], blur: [] },
    blurMsPerFrame: [],
    blurSegmentMsPerFrame: [],
    blurFps: [],
  };
  for (let run = 0; run < runs; run++) result.voiceMsPerSecond.push(voiceCost());
  const worklet = readdirSync(`${WEB_ROOT}/assets`).find((f) => f.startsWith('voice-disguise-worklet'));
  if (!worklet) throw new Error('build the web app first (npm run build)');
  const server = await startBrowserBenchServer(28600);
  const marker = `--sotto-bench-sender-${process.pid}`;
  const browsers: Browser[] = [await launchBrowser([marker]), await launchBrowser()];
  try {
    const [senderBrowser, receiverBrowser] = browsers as [Browser, Browser];
    const url = `${server.url}/privacy-effects-bench`;
    const { page: sender } = await newPage(senderBrowser, server.url);
    await joinThroughUi(sender, url, 'Sender');
    const { page: receiver } = await newPage(receiverBrowser, server.url);
    await joinThroughUi(receiver, url, 'Receiver');
    for (let run = 0; run < runs; run++) result.voiceAddedLatencyMs.push(await addedLatency(sender, `/assets/${worklet}`));
    for (let run = 0; run < runs; run++) {
      for (const condition of ['none', 'blur'] as const) {
        await choose(sender, condition === 'blur' ? 'Blur' : 'As it is', condition === 'blur' ? 'medium' : 'off');
        await new Promise((r) => setTimeout(r, 4000)); // the model loads, the encoder settles
        const before = {
          cpu: browserTreeCpuMs(marker),
          at: performance.now(),
          frames: (await effectStats(sender, 'camera'))?.processed ?? 0,
        };
        await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
        const seconds = (performance.now() - before.at) / 1000;
        result.senderCpu[condition].push((browserTreeCpuMs(marker) - before.cpu) / seconds / 10);
        if (condition === 'blur') {
          const camera = await effectStats(sender, 'camera');
          const voice = await effectStats(sender, 'microphone');
          result.blurMsPerFrame.push(camera?.msPerFrame ?? Number.NaN);
          result.blurSegmentMsPerFrame.push(camera?.segmentMsPerFrame ?? Number.NaN);
          result.blurFps.push(((camera?.processed ?? 0) - before.frames) / seconds);
          result.voiceMsPerBlock.push(voice?.msPerBlock ?? Number.NaN);
        }
        console.error(`run ${run + 1}/${runs} ${condition}: sender ${result.senderCpu[condition].at(-1)?.toFixed(0)}% of a core`);
      }
    }
  } finally {
    for (const browser of browsers) await browser.close();
    await server.close();
  }
  return result;
}

export function formatPrivacyEffects(r: PrivacyEffectsResult): string {
  const m = (values: number[], digits = 1) => median(values).toFixed(digits);
  return [
    `voice disguise (McAdams, 48 kHz, order 32): ${m(r.voiceMsPerSecond)} ms of work per second of audio in Node (${m(
      r.voiceMsPerSecond.map((v) => v / 10),
      2,
    )}% of a core)`,
    `voice disguise in the browser: adds ${m(r.voiceAddedLatencyMs)} ms of delay (runs: ${r.voiceAddedLatencyMs.map((v) => v.toFixed(1)).join(', ')}); the audio thread spends ${m(r.voiceMsPerBlock, 3)} ms per 128-sample block (2.67 ms of audio)`,
    `background blur: ${m(r.blurMsPerFrame, 0)} ms per frame in its worker (the model ${m(r.blurSegmentMsPerFrame, 0)} ms), ${m(r.blurFps)} frames/s processed`,
    `sender's browser (all processes): ${m(r.senderCpu.none, 0)}% of a core with the camera as it is, ${m(r.senderCpu.blur, 0)}% with blur and voice disguise (ratio ${(median(r.senderCpu.blur) / median(r.senderCpu.none)).toFixed(2)})`,
    `medians of ${r.senderCpu.none.length} runs`,
  ].join('\n');
}
