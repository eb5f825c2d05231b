import { describe, expect, it } from 'vitest';
import type { SpeakerDetectorOptions } from '../src/sfu/speakers/speaker-detector.ts';
import { SpeakerDetector } from '../src/sfu/speakers/speaker-detector.ts';

/** A browser sends one Opus packet every 20 ms. */
const PACKET_MS = 20;
/** RFC 6464 levels in -dBov: 30 is clear speech, 127 is digital silence. */
const LOUD = 30;
const SILENT = 127;

/** What each member sends at a given time: a level, or null when no packet is sent (muted). */
type Script = Record<string, (t: number) => number | null>;

interface Change {
  at: number;
  dominant: string;
}

/**
 * Drives `detector` from `fromMs` (inclusive) to `toMs` (exclusive): every 20 ms each member in
 * `script` sends a packet (or not), and update() is called every `updateEveryMs` (after that
 * instant's packets). Returns the changes update() reported.
 */
function run(detector: SpeakerDetector, script: Script, fromMs: number, toMs: number, updateEveryMs = PACKET_MS): Change[] {
  const changes: Change[] = [];
  for (let t = fromMs; t < toMs; t += PACKET_MS) {
    for (const [memberId, levelAt] of Object.entries(script)) {
      const level = levelAt(t);
      if (level !== null) detector.onLevel(memberId, level, t);
    }
    if ((t - fromMs) % updateEveryMs === 0) {
      const changed = detector.update(t);
      if (changed !== null) changes.push({ at: t, dominant: changed });
    }
  }
  return changes;
}

const loud = () => LOUD;
const silent = () => SILENT;
const muted = () => null;

/** A detector on which `memberId` has talked alone from 0 to `untilMs` and is dominant. */
function withDominant(memberId: string, untilMs = 3000, options: SpeakerDetectorOptions = {}): SpeakerDetector {
  const detector = new SpeakerDetector(options);
  const changes = run(detector, { [memberId]: loud }, 0, untilMs);
  expect(changes.map((c) => c.dominant)).toEqual([memberId]);
  expect(detector.dominant).toBe(memberId);
  return detector;
}

describe('SpeakerDetector', () => {
  describe('the first speaker', () => {
    it('has no dominant speaker before anyone has spoken', () => {
      const detector = new SpeakerDetector();
      expect(detector.dominant).toBeNull();
      expect(detector.update(0)).toBeNull();
      expect(detector.update(10_000)).toBeNull();
    });

    it('becomes dominant as soon as their activity reaches the threshold, without the hold time', () => {
      const detector = new SpeakerDetector();
      const changes = run(detector, { a: loud }, 0, 2000);
      expect(changes).toHaveLength(1);
      expect(changes[0]?.dominant).toBe('a');
      // Activity 1 - e^(-t/1 s) reaches 0.3 after ~357 ms of continuous speech: well before the
      // 800 ms hold a later change would need.
      expect(changes[0]?.at).toBeGreaterThanOrEqual(340);
      expect(changes[0]?.at).toBeLessThanOrEqual(380);
      expect(detector.dominant).toBe('a');
    });

    it('reports the change once, then null while the same member stays dominant', () => {
      const detector = new SpeakerDetector();
      run(detector, { a: loud }, 0, 1000);
      expect(detector.dominant).toBe('a');
      for (let t = 1000; t < 3000; t += 100) {
        detector.onLevel('a', LOUD, t);
        expect(detector.update(t)).toBeNull();
      }
      expect(detector.dominant).toBe('a');
    });

    it('does not make a member dominant for a single loud packet or a short burst', () => {
      const detector = new SpeakerDetector();
      // A 200 ms burst: activity 1 - e^-0.2 ≈ 0.18 < 0.3.
      expect(run(detector, { a: (t) => (t < 200 ? LOUD : SILENT) }, 0, 3000)).toEqual([]);
      expect(detector.dominant).toBeNull();
    });

    it('never makes a silent member dominant, however long they send', () => {
      const detector = new SpeakerDetector();
      expect(run(detector, { a: silent, b: silent }, 0, 10_000)).toEqual([]);
      expect(detector.dominant).toBeNull();
    });

    it('counts a level equal to activeLevel as voice and one step quieter as silence', () => {
      const atThreshold = new SpeakerDetector();
      expect(run(atThreshold, { a: () => 70 }, 0, 2000).map((c) => c.dominant)).toEqual(['a']);
      const quieter = new SpeakerDetector();
      expect(run(quieter, { a: () => 71 }, 0, 5000)).toEqual([]);
    });

    it('honours a custom activeLevel', () => {
      const strict = new SpeakerDetector({ activeLevel: 20 });
      expect(run(strict, { a: () => 30 }, 0, 5000)).toEqual([]);
      expect(run(strict, { a: () => 20 }, 5000, 7000).map((c) => c.dominant)).toEqual(['a']);
    });

    it('picks the more active of two members who start together', () => {
      const detector = new SpeakerDetector();
      // b speaks only every other packet (activity tends to 0.5), a continuously (tends to 1).
      const changes = run(detector, { b: (t) => (t % 40 === 0 ? LOUD : SILENT), a: loud }, 0, 3000);
      expect(changes.map((c) => c.dominant)).toEqual(['a']);
    });
  });

  describe('changing the dominant speaker', () => {
    it('hands over to a new speaker only after they have been ahead by the margin for holdMs', () => {
      const detector = withDominant('a');
      // a falls silent at 3000 (activity decays from ~0.95) and b starts talking.
      const changes = run(detector, { a: silent, b: loud }, 3000, 8000);
      expect(changes.map((c) => c.dominant)).toEqual(['b']);
      // b is ahead by 0.15 after ~0.83 s (1 - e^-t > 0.95 e^-t + 0.15), then holds for 0.8 s.
      const after = (changes[0]?.at ?? 0) - 3000;
      expect(after).toBeGreaterThanOrEqual(1550);
      expect(after).toBeLessThanOrEqual(1750);
      expect(detector.dominant).toBe('b');
    });

    it('waits exactly holdMs longer when holdMs is longer', () => {
      const script: Script = { a: silent, b: loud };
      const short = withDominant('a', 3000, { holdMs: 800 });
      const long = withDominant('a', 3000, { holdMs: 2000 });
      const shortChange = run(short, script, 3000, 10_000)[0];
      const longChange = run(long, script, 3000, 10_000)[0];
      expect(shortChange?.dominant).toBe('b');
      expect(longChange?.dominant).toBe('b');
      expect((longChange?.at ?? 0) - (shortChange?.at ?? 0)).toBe(1200);
    });

    it('takes over from a speaker who went quiet without the margin but still after the hold', () => {
      // A member who has never been very active (one packet in two is voice) replaces a silent one:
      // no margin to beat once the dominant speaker is below the threshold, but the hold applies.
      const detector = withDominant('a');
      const quiet = (t: number) => (t % 40 === 0 ? LOUD : SILENT);
      const changes = run(detector, { a: silent, b: quiet }, 3000, 10_000);
      expect(changes.map((c) => c.dominant)).toEqual(['b']);
      // a drops below 0.3 after ~1.15 s of silence, b reaches 0.3 after ~0.7 s: b takes over
      // holdMs after the later of the two.
      const after = (changes[0]?.at ?? 0) - 3000;
      expect(after).toBeGreaterThanOrEqual(1150 + 800 - 40);
      expect(after).toBeLessThanOrEqual(1150 + 800 + 100);
    });

    it('does not flip while two people talk over each other', () => {
      const detector = withDominant('a');
      // Both talk continuously: b's activity approaches a's (~1) but never exceeds it by 0.15.
      expect(run(detector, { a: loud, b: loud }, 3000, 15_000)).toEqual([]);
      expect(detector.dominant).toBe('a');
    });

    it('ignores a 300 ms interruption while the speaker keeps talking', () => {
      const detector = withDominant('a');
      const b = (t: number) => (t >= 4000 && t < 4300 ? LOUD : SILENT);
      expect(run(detector, { a: loud, b }, 3000, 8000)).toEqual([]);
      expect(detector.dominant).toBe('a');
    });

    it('ignores a 300 ms interruption during a pause of the speaker', () => {
      const detector = withDominant('a');
      // a pauses for the 300 ms b talks (a cough, a quick "yes"), then goes on.
      const a = (t: number) => (t >= 4000 && t < 4300 ? SILENT : LOUD);
      const b = (t: number) => (t >= 4000 && t < 4300 ? LOUD : SILENT);
      expect(run(detector, { a, b }, 3000, 8000)).toEqual([]);
      expect(detector.dominant).toBe('a');
    });

    it('ignores repeated short interjections', () => {
      const detector = withDominant('a');
      // b says something for 300 ms every 1.5 s while a talks.
      const b = (t: number) => ((t - 3000) % 1500 < 300 ? LOUD : SILENT);
      expect(run(detector, { a: loud, b }, 3000, 15_000)).toEqual([]);
      expect(detector.dominant).toBe('a');
    });

    it('restarts the hold when the dominant speaker talks again before the hold is over', () => {
      // b leads a silent a from ~3840 on (it would take over at ~4640), but a talks again from
      // 4200 and b stops: b falls back within the margin (~4410) before its hold is over.
      const detector = withDominant('a');
      const b = (t: number) => (t < 4200 || t >= 6000 ? LOUD : SILENT);
      const a = (t: number) => (t < 4200 || t >= 6000 ? SILENT : LOUD);
      const changes = run(detector, { a, b }, 3000, 12_000);
      expect(changes.map((c) => c.dominant)).toEqual(['b']);
      // From 6000 b needs ~0.8 s to get ahead by the margin again, then a full new hold: a hold
      // remembered from 3840 would let it take over the moment it is ahead.
      expect(changes[0]?.at).toBeGreaterThanOrEqual(6000 + 1400);
    });

    it('restarts the hold when a leading challenger dips back within the margin', () => {
      // a keeps talking at half activity (every other packet) and stays dominant and above the
      // threshold. b gets ahead by the margin at ~4050, pauses 4400–4600 (still leading a but by
      // less than the margin from ~4540), then is clearly ahead again from ~4620.
      const half = (t: number) => (t % 40 === 0 ? LOUD : SILENT);
      const detector = new SpeakerDetector();
      expect(run(detector, { a: half }, 0, 3000).map((c) => c.dominant)).toEqual(['a']);
      const b = (t: number) => (t < 3000 || (t >= 4400 && t < 4600) ? SILENT : LOUD);
      const changes = run(detector, { a: half, b }, 3000, 8000);
      expect(changes.map((c) => c.dominant)).toEqual(['b']);
      // A hold counted from 4050 would end at 4850; the dip restarts it at ~4620.
      expect(changes[0]?.at).toBeGreaterThanOrEqual(4600 + 800);
      expect(changes[0]?.at).toBeLessThanOrEqual(4700 + 800);
    });

    it('reports each change once with the new dominant speaker', () => {
      const detector = withDominant('a');
      const changes = [
        ...run(detector, { a: silent, b: loud }, 3000, 8000),
        ...run(detector, { a: loud, b: silent }, 8000, 13_000),
      ];
      expect(changes.map((c) => c.dominant)).toEqual(['b', 'a']);
      expect(detector.dominant).toBe('a');
    });

    it('works with updates four times a second, as the router calls it', () => {
      const detector = new SpeakerDetector();
      const first = run(detector, { a: loud }, 0, 3000, 250);
      expect(first.map((c) => c.dominant)).toEqual(['a']);
      // The first update after ~357 ms of speech.
      expect(first[0]?.at).toBe(500);
      const changes = run(detector, { a: silent, b: loud }, 3000, 8000, 250);
      expect(changes.map((c) => c.dominant)).toEqual(['b']);
      // b is ahead by the margin from ~3840 on, first seen by the update at 4000; the hold
      // (800 ms) has not elapsed at 4750, so the change comes with the update at 5000.
      expect(changes[0]?.at).toBe(5000);
    });
  });

  describe('silence', () => {
    it('keeps the last speaker when everyone falls silent', () => {
      const detector = withDominant('a');
      expect(run(detector, { a: silent, b: silent, c: silent }, 3000, 20_000)).toEqual([]);
      expect(detector.dominant).toBe('a');
    });

    it('keeps the last speaker when every packet stops', () => {
      const detector = withDominant('a');
      for (let t = 3000; t < 20_000; t += 250) expect(detector.update(t)).toBeNull();
      expect(detector.dominant).toBe('a');
    });
  });

  describe('muted members (packets stop)', () => {
    it('lets another member take over from a speaker whose packets stopped', () => {
      const detector = withDominant('a');
      // a mutes mid-sentence: the last activity (~0.95) would otherwise stay frozen forever,
      // and b (at most ~1) could never beat it by the margin.
      const changes = run(detector, { a: muted, b: loud }, 3000, 8000);
      expect(changes.map((c) => c.dominant)).toEqual(['b']);
      // a counts as silent 500 ms after its last packet (at 2980), then b holds for 800 ms.
      expect(changes[0]?.at).toBeGreaterThanOrEqual(2980 + 500 + 800);
      expect(changes[0]?.at).toBeLessThanOrEqual(2980 + 500 + 800 + 60);
    });

    it('lets a later speaker replace a member who muted long ago', () => {
      const detector = new SpeakerDetector();
      // a talks for 600 ms then mutes: activity ~0.45 stays frozen but counts only for 500 ms.
      run(detector, { a: (t) => (t < 600 ? LOUD : null) }, 0, 600);
      expect(detector.dominant).toBe('a');
      // b speaks later; a's frozen activity no longer counts.
      const changes = run(detector, { a: muted, b: loud }, 5000, 8000);
      expect(changes.map((c) => c.dominant)).toEqual(['b']);
    });

    it('counts a muted member as silent only after 500 ms without packets (boundary)', () => {
      // Two members with the same history; only the time since a's last packet differs.
      const detector = new SpeakerDetector({ holdMs: 0 });
      run(detector, { a: loud }, 0, 2000); // a dominant, last packet at 1980, activity ~0.86
      expect(detector.dominant).toBe('a');
      // b reaches 0.3 but stays far below a's frozen activity while a is fresh.
      run(detector, { b: loud }, 2000, 2480);
      expect(detector.update(1980 + 500)).toBeNull();
      expect(detector.dominant).toBe('a');
      // One millisecond later a's activity is stale: b leads and (holdMs 0) takes over.
      expect(detector.update(1980 + 501)).toBe('b');
    });
  });

  describe('remove', () => {
    it('clears the dominant speaker when they leave', () => {
      const detector = withDominant('a');
      detector.remove('a');
      expect(detector.dominant).toBeNull();
      expect(detector.update(3000)).toBeNull();
    });

    it('lets the next speaker take over at once after the dominant one left', () => {
      const detector = withDominant('a');
      // b has been talking for a while, but not far enough ahead of a to take over.
      run(detector, { a: loud, b: loud }, 3000, 6000);
      expect(detector.dominant).toBe('a');
      detector.remove('a');
      // No hold: there is no dominant speaker to protect.
      expect(detector.update(6000)).toBe('b');
      expect(detector.dominant).toBe('b');
    });

    it('leaves the dominant speaker alone when someone else leaves', () => {
      const detector = withDominant('a');
      run(detector, { a: loud, b: loud }, 3000, 4000);
      detector.remove('b');
      expect(detector.dominant).toBe('a');
      expect(detector.update(4000)).toBeNull();
    });

    it('forgets a pending challenger, so a returning member must hold again', () => {
      const detector = withDominant('a');
      // a silent, b challenging: b would take over ~1.6 s after 3000.
      run(detector, { a: silent, b: loud }, 3000, 4200);
      expect(detector.dominant).toBe('a');
      detector.remove('b');
      // b rejoins at once; no update runs while b's fresh activity rises back over the threshold.
      for (let t = 4200; t < 4700; t += PACKET_MS) {
        detector.onLevel('a', SILENT, t);
        detector.onLevel('b', LOUD, t);
      }
      // b leads again at 4680; it must hold 800 ms from now, not from when it first led.
      expect(detector.update(4680)).toBeNull();
      const changes = run(detector, { a: silent, b: loud }, 4700, 7000);
      expect(changes.map((c) => c.dominant)).toEqual(['b']);
      expect(changes[0]?.at).toBeGreaterThanOrEqual(4680 + 800);
    });

    it('forgets the removed member entirely', () => {
      const detector = withDominant('a');
      expect(detector.lastSpokeAt('a')).toBeGreaterThan(0);
      detector.remove('a');
      expect(detector.lastSpokeAt('a')).toBe(0);
    });

    it('ignores unknown members', () => {
      const detector = withDominant('a');
      detector.remove('nobody');
      expect(detector.dominant).toBe('a');
    });
  });

  describe('lastSpokeAt', () => {
    it('is 0 for unknown members and for members who never spoke', () => {
      const detector = new SpeakerDetector();
      expect(detector.lastSpokeAt('x')).toBe(0);
      run(detector, { a: silent }, 0, 2000);
      expect(detector.lastSpokeAt('a')).toBe(0);
    });

    it('does not count a short burst below the speech threshold', () => {
      const detector = new SpeakerDetector();
      run(detector, { a: (t) => (t < 200 ? LOUD : SILENT) }, 0, 1000);
      expect(detector.lastSpokeAt('a')).toBe(0);
    });

    it('is the time of the last voice packet while speaking', () => {
      const detector = new SpeakerDetector();
      run(detector, { a: loud }, 0, 2000);
      expect(detector.lastSpokeAt('a')).toBe(1980);
      run(detector, { a: silent }, 2000, 5000);
      // Silent packets do not move it.
      expect(detector.lastSpokeAt('a')).toBe(1980);
    });

    it('does not move for a voice packet once activity fell below the threshold', () => {
      const detector = new SpeakerDetector();
      run(detector, { a: loud }, 0, 2000);
      // Activity decays below 0.3 after ~1.1 s of silence; a lone loud packet is not speech.
      run(detector, { a: silent }, 2000, 6000);
      detector.onLevel('a', LOUD, 6000);
      expect(detector.lastSpokeAt('a')).toBe(1980);
    });

    it('tracks each member separately', () => {
      const detector = new SpeakerDetector();
      run(detector, { a: loud, b: silent }, 0, 2000);
      run(detector, { a: silent, b: loud }, 2000, 4000);
      expect(detector.lastSpokeAt('a')).toBe(1980);
      expect(detector.lastSpokeAt('b')).toBe(3980);
    });
  });
});
