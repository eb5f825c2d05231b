import type { MemberInfo } from '@sotto/protocol';
import type { RemoteParticipant } from './participant.ts';
import { participantFromInfo } from './participant.ts';
import type { RemoteSlot } from './receive-connection.ts';

/**
 * Who is in the meeting as the server announced it: the other participants' snapshots, and
 * everyone's join order (ourselves included), which the E2EE group is held to.
 */
export class Roster {
  readonly #participants = new Map<string, RemoteParticipant>();
  #order: string[] = [];
  #selfId: string | null = null;

  get participants(): ReadonlyMap<string, RemoteParticipant> {
    return this.#participants;
  }

  /** Member ids in join order, ourselves included. */
  get order(): readonly string[] {
    return this.#order;
  }

  /** From a join reply: everyone already there (in join order), then us. */
  start(selfId: string, others: readonly MemberInfo[]): void {
    this.#selfId = selfId;
    for (const info of others) this.#participants.set(info.id, participantFromInfo(info));
    this.#order = [...others.map((m) => m.id), selfId];
  }

  /** A join announced; null if it names us or someone already here. */
  add(info: MemberInfo): RemoteParticipant | null {
    if (this.#participants.has(info.id) || info.id === this.#selfId) return null;
    const participant = participantFromInfo(info);
    this.#participants.set(info.id, participant);
    this.#order.push(info.id);
    return participant;
  }

  /** A leave announced; null if nobody by that id was here. */
  remove(id: string): RemoteParticipant | null {
    const participant = this.#participants.get(id);
    if (!participant) return null;
    this.#participants.delete(id);
    this.#order = this.#order.filter((m) => m !== id);
    return participant;
  }

  /** Applies changes to a participant's snapshot; the new snapshot, or null if unknown. */
  update(id: string, changes: Partial<RemoteParticipant>): RemoteParticipant | null {
    const current = this.#participants.get(id);
    if (!current) return null;
    const next = { ...current, ...changes };
    this.#participants.set(id, next);
    return next;
  }

  /**
   * The bridge's slots now: each participant's tracks from them, except `exceptId` (whose media
   * comes peer to peer). Returns the participants whose tracks changed, updated.
   */
  applySlots(slots: readonly RemoteSlot[], exceptId: string | null): RemoteParticipant[] {
    const changed: RemoteParticipant[] = [];
    for (const participant of [...this.#participants.values()]) {
      if (participant.id === exceptId) continue;
      const track = (source: string) => slots.find((s) => s.memberId === participant.id && s.source === source)?.track ?? null;
      const tracks = { audioTrack: track('microphone'), cameraTrack: track('camera'), screenTrack: track('screen') };
      const same = (Object.keys(tracks) as Array<keyof typeof tracks>).every((k) => tracks[k] === participant[k]);
      if (!same) changed.push(this.update(participant.id, tracks) as RemoteParticipant);
    }
    return changed;
  }

  /** After a resume: the server's full list (ourselves included, join order) wins. */
  reconcile(members: readonly MemberInfo[]): { joined: RemoteParticipant[]; left: RemoteParticipant[] } {
    const present = new Set(members.map((m) => m.id));
    const left: RemoteParticipant[] = [];
    for (const [id, participant] of [...this.#participants]) {
      if (present.has(id)) continue;
      this.#participants.delete(id);
      left.push(participant);
    }
    const joined: RemoteParticipant[] = [];
    for (const info of members) {
      if (info.id === this.#selfId || this.#participants.has(info.id)) continue;
      const participant = participantFromInfo(info);
      this.#participants.set(info.id, participant);
      joined.push(participant);
    }
    this.#order = members.map((m) => m.id);
    return { joined, left };
  }

  /** Everyone gone (we leave this membership); returns who was here. */
  clear(): RemoteParticipant[] {
    const all = [...this.#participants.values()];
    this.#participants.clear();
    this.#order = [];
    this.#selfId = null;
    return all;
  }
}
