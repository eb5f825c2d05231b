import type { ServerMessage } from '@sotto/protocol';
import { MlsDeliveryService } from '../../../server/src/conference/mls-delivery-service.ts';
import type { EpochKeys, MlsRequest } from '../../src/e2ee/key-agreement.ts';
import { KeyAgreement } from '../../src/e2ee/key-agreement.ts';

export type MlsEvent = Parameters<KeyAgreement['handle']>[0];

/**
 * Members wired to the real delivery service over an in-memory "network" that delivers each
 * member's messages in order. `drop` lets a test lose messages on the way to one member. A test
 * plays a hostile server through the hooks: `rosterOf` (what each member is told is in the
 * meeting), `intercept` (a member's request, before the delivery service sees it) and `deliver`.
 */
export class Meeting {
  readonly ds: MlsDeliveryService;
  readonly members = new Map<string, KeyAgreement>();
  readonly latest = new Map<string, EpochKeys>();
  readonly relayed: string[] = [];
  readonly received: Array<[string, string, string]> = [];
  readonly refusals: Array<[string, string]> = [];
  /** The roster every member is told, in join order. */
  readonly order: string[] = [];
  drop: ((to: string, message: ServerMessage) => boolean) | null = null;
  rosterOf: (memberId: string) => readonly string[] = () => this.order;
  /** Return a result to answer the request in the delivery service's place; undefined to pass it on. */
  intercept: ((from: string, request: MlsRequest) => unknown) | null = null;

  constructor() {
    this.ds = new MlsDeliveryService((to, message) => this.#deliver(to, message));
  }

  async join(id: string): Promise<KeyAgreement> {
    const member = new KeyAgreement(id, (request) => this.#request(id, request));
    this.members.set(id, member);
    member.on('epoch', (keys) => this.latest.set(id, keys));
    member.on('message', (from, data, privately) =>
      this.received.push([id, from, `${privately ? 'private:' : ''}${new TextDecoder().decode(data)}`]),
    );
    member.on('refused', (reason) => this.refusals.push([id, reason]));
    this.order.push(id);
    this.announce();
    this.ds.memberJoined(id);
    await member.start();
    return member;
  }

  leave(id: string): void {
    this.members.get(id)?.close();
    this.members.delete(id);
    this.latest.delete(id);
    this.order.splice(this.order.indexOf(id), 1);
    this.announce();
    this.ds.memberLeft(id);
  }

  /** The server announces the roster to everyone (as member-joined / member-left would). */
  announce(): void {
    for (const [id, member] of this.members) member.setRoster(this.rosterOf(id));
  }

  /** Waits until every member is at the same epoch and holds the whole roster. */
  async converged(timeoutMs = 10_000): Promise<EpochKeys[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const keys = [...this.members.keys()].map((id) => this.latest.get(id));
      const first = keys[0];
      const done =
        first &&
        keys.every((k) => k && k.epoch === first.epoch && k.members.length === this.members.size) &&
        this.ds.epoch === Number(first.epoch);
      if (done) return keys as EpochKeys[];
      if (Date.now() > deadline) {
        throw new Error(
          `no convergence: ${JSON.stringify([...this.latest].map(([id, k]) => [id, String(k.epoch), k.members.length]))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async #request(from: string, request: MlsRequest): Promise<unknown> {
    await Promise.resolve();
    const intercepted = this.intercept?.(from, request);
    if (intercepted !== undefined) return intercepted;
    switch (request.type) {
      case 'mls-key-package':
        return this.ds.keyPackage(from, request.keyPackage);
      case 'mls-create':
        return this.ds.create(from);
      case 'mls-commit':
        return this.ds.commit(from, request);
      case 'relay':
        this.relayed.push(request.payload);
        // As the server does: to one member when `to` names one, else to everyone else.
        for (const id of this.members.keys()) {
          if (id !== from && (request.to === undefined || request.to === id))
            this.#deliver(id, { type: 'relay', from, payload: request.payload });
        }
        return {};
    }
  }

  deliver(to: string, message: ServerMessage): void {
    this.#deliver(to, message);
  }

  #deliver(to: string, message: ServerMessage): void {
    if (this.drop?.(to, message)) return;
    const member = this.members.get(to);
    if (member) member.handle(message as MlsEvent);
  }
}
