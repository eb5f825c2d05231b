import type { SourceName } from './codecs.ts';
import type { Publisher } from './publisher.ts';
import type { RoutedMember } from './routed-member.ts';
import { selectLastN } from './speakers/selection.ts';
import { SpeakerDetector } from './speakers/speaker-detector.ts';

export interface ForwardingOptions {
  /** Most video sources one receiver gets (last-N); -1 for no limit. */
  lastN: number;
  /** Most audio sources one receiver gets: the most recent speakers; -1 for no limit. */
  audioLastN: number;
}

/**
 * Who receives what in one room: last-N cameras per receiver (pinned, then recent dominant
 * speakers, then earliest joined), the microphones of the most recent speakers, every screen
 * share; and which videos each receiver favours when bandwidth is short.
 */
export class ForwardingPolicy {
  readonly speakers = new SpeakerDetector();
  readonly #options: ForwardingOptions;
  /** When each member last became the dominant speaker (orders last-N video). */
  readonly #lastDominantAt = new Map<string, number>();
  #audioSelectionKey = '';

  constructor(options: ForwardingOptions) {
    this.#options = options;
  }

  forget(memberId: string): void {
    this.speakers.remove(memberId);
    this.#lastDominantAt.delete(memberId);
  }

  /** Gives every member the sources the policy picks for them. */
  apply(members: ReadonlyMap<string, RoutedMember>): void {
    const speakingOrder = (id: string) => this.#lastDominantAt.get(id) ?? 0;
    // A source a moderator silenced is published but forwarded to nobody.
    const forwarded = (m: RoutedMember | undefined, source: SourceName) =>
      m?.silenced.has(source) ? undefined : m?.publishers.get(source);
    const publishersOf = (ids: string[], source: SourceName) =>
      ids.map((id) => forwarded(members.get(id), source)).filter((p): p is Publisher => p !== undefined);
    for (const [memberId, member] of members) {
      const others = [...members].filter(([id]) => id !== memberId);
      const cameras = others.filter(([, m]) => forwarded(m, 'camera'));
      const video = selectLastN(
        cameras.map(([id, m]) => ({ memberId: id, lastSpokeAt: speakingOrder(id), joinedAt: m.joinedAt })),
        this.#options.lastN,
        member.pins,
      );
      const audio = selectLastN(
        others
          .filter(([, m]) => forwarded(m, 'microphone'))
          .map(([id, m]) => ({ memberId: id, lastSpokeAt: this.speakers.lastSpokeAt(id), joinedAt: m.joinedAt })),
        this.#options.audioLastN,
      );
      const screens = others.map(([, m]) => forwarded(m, 'screen')).filter((p): p is Publisher => p !== undefined);
      member.subscriber.setSources('audio', publishersOf(audio, 'microphone'));
      member.subscriber.setSources('video', [...publishersOf(video, 'camera'), ...screens]);
    }
    this.applyPriorities(members);
  }

  /** Each member's pinned cameras and the dominant speaker's keep quality longest. */
  applyPriorities(members: ReadonlyMap<string, RoutedMember>): void {
    const dominant = this.speakers.dominant;
    const speakerCamera = dominant ? members.get(dominant)?.publishers.get('camera') : undefined;
    for (const member of members.values()) {
      const favoured = new Set<Publisher>();
      if (speakerCamera) favoured.add(speakerCamera);
      for (const id of member.pins) {
        const camera = members.get(id)?.publishers.get('camera');
        if (camera) favoured.add(camera);
      }
      member.subscriber.setPrioritized(favoured);
    }
  }

  /**
   * Re-evaluates speaking (four times a second). Returns the new dominant speaker, if it changed,
   * after re-applying whatever depends on it.
   */
  onTick(members: ReadonlyMap<string, RoutedMember>, nowMs: number): string | null {
    const changed = this.speakers.update(nowMs);
    let reapply = false;
    if (changed) {
      this.#lastDominantAt.set(changed, nowMs);
      reapply = this.#options.lastN >= 0 && members.size - 1 > this.#options.lastN;
    }
    const audioLimited = this.#options.audioLastN >= 0 && members.size - 1 > this.#options.audioLastN;
    if (audioLimited) {
      // Only a change in who the recent speakers are warrants re-applying.
      const key = [...members.keys()]
        .sort((a, b) => this.speakers.lastSpokeAt(b) - this.speakers.lastSpokeAt(a))
        .slice(0, this.#options.audioLastN + 1)
        .join(',');
      if (key !== this.#audioSelectionKey) {
        this.#audioSelectionKey = key;
        reapply = true;
      }
    }
    if (reapply) this.apply(members);
    else if (changed) this.applyPriorities(members);
    return changed;
  }
}
