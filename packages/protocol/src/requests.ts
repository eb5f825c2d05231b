import type * as v from 'valibot';
import type { ClientMessage } from './client-messages.ts';
import type { ErrorCode } from './errors.ts';
import { parseResult } from './parse.ts';
import type { ErrorReply, Ok } from './server-messages.ts';
import { HelloResult, IceServersResult, JoinResult, ProbeResult, PublishResult, ResumeResult } from './server-messages.ts';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A request as its sender writes it; the correlator adds the `id`. */
export type ClientRequest = WithoutId<ClientMessage>;
export type ClientRequestType = ClientRequest['type'];
/** The request of one type, e.g. `RequestOf<'join'>`. */
export type RequestOf<T extends ClientRequestType> = Extract<ClientRequest, { type: T }>;

/** The schema of each `ok` result that carries something; the other requests answer with no result. */
const RESULT_SCHEMAS = {
  hello: HelloResult,
  join: JoinResult,
  resume: ResumeResult,
  publish: PublishResult,
  'ice-servers': IceServersResult,
  probe: ProbeResult,
} as const;
type Results = typeof RESULT_SCHEMAS;

/** What the `ok` reply to a request of type `T` carries, validated. */
export type ResultOf<T extends ClientRequestType> = T extends keyof Results ? v.InferOutput<Results[T]> : unknown;

/** A request the server refused; `code` is the protocol's stable error code. */
export class RequestError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
  }
}

type Reply = v.InferOutput<typeof Ok> | v.InferOutput<typeof ErrorReply>;

interface Pending {
  type: ClientRequestType;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Matches requests to their replies by id, with types from the protocol's schemas: a request is
 * a valid client message (checked when it is written), and its result is validated against its
 * schema before anyone sees it. One of these serves the SDK, the benchmark's bots and the tests.
 */
export class RequestCorrelator {
  readonly #send: (frame: string) => void;
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  /** `send` writes one frame to the socket (and throws if it cannot). */
  constructor(send: (frame: string) => void, timeoutMs = 15_000) {
    this.#send = send;
    this.#timeoutMs = timeoutMs;
  }

  /** Requests waiting for their reply. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Sends `message` and resolves with its validated result, or rejects with a RequestError. */
  request<R extends ClientRequest>(message: R): Promise<ResultOf<R['type']>> {
    const id = this.#nextId++;
    return new Promise<ResultOf<R['type']>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the server did not answer ${message.type}`));
      }, this.#timeoutMs);
      this.#pending.set(id, { type: message.type, resolve: resolve as (r: unknown) => void, reject, timer });
      try {
        this.#send(JSON.stringify({ ...message, id }));
      } catch (error) {
        this.#settleWith(id, () => reject(error instanceof Error ? error : new Error(String(error))));
      }
    });
  }

  /**
   * A reply from the server: settles the request with its id. False when no request waits for
   * it (an error about a frame without an id, or a reply that came after its timeout).
   */
  settle(reply: Reply): boolean {
    if (reply.id === null) return false;
    const pending = this.#pending.get(reply.id);
    if (!pending) return false;
    this.#settleWith(reply.id, () => {
      if (reply.type === 'error') {
        pending.reject(new RequestError(reply.code, reply.message));
        return;
      }
      const schema = (RESULT_SCHEMAS as Partial<Record<ClientRequestType, v.GenericSchema>>)[pending.type];
      try {
        pending.resolve(schema ? parseResult(schema, reply.result) : reply.result);
      } catch (error) {
        pending.reject(error as Error);
      }
    });
    return true;
  }

  /** Rejects every waiting request (the socket closed). */
  failAll(error: Error): void {
    for (const id of [...this.#pending.keys()]) this.#settleWith(id, () => this.#pending.get(id)?.reject(error));
  }

  #settleWith(id: number, settle: () => void): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    settle();
    this.#pending.delete(id);
  }
}
