import * as v from 'valibot';
import { CLIENT_MESSAGE_TYPES, ClientMessage } from './client-messages.ts';
import type { ErrorCode } from './errors.ts';
import { ServerMessage } from './server-messages.ts';

export type ParseResult<T> = { ok: true; message: T } | { ok: false; code: ErrorCode; message: string; id: number | null };

/** The request id of a raw object, if it has a usable one, so errors can be matched to requests. */
function requestIdOf(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < 2 ** 31 ? id : null;
}

/**
 * Longest description of one issue. valibot quotes the value it received, so without a cap an
 * error reply could echo a 64 KiB frame back three times over (found by fuzzing).
 */
const MAX_ISSUE_LENGTH = 120;

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path?.map((p) => String(p.key)).join('.');
      const text = path ? `${path}: ${issue.message}` : issue.message;
      return text.length > MAX_ISSUE_LENGTH ? `${text.slice(0, MAX_ISSUE_LENGTH - 1)}…` : text;
    })
    .join('; ');
}

/** Parses and validates one text frame from a client. Never throws. */
export function parseClientMessage(text: string): ParseResult<ClientMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad-json', message: 'the frame is not valid JSON', id: null };
  }
  const id = requestIdOf(raw);
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
    return { ok: false, code: 'bad-message', message: `unknown message type ${JSON.stringify(type)?.slice(0, 40)}`, id };
  }
  const result = v.safeParse(ClientMessage, raw);
  if (!result.success) {
    return { ok: false, code: 'bad-message', message: `invalid ${type}: ${describeIssues(result.issues)}`, id };
  }
  return { ok: true, message: result.output };
}

/** Parses and validates one text frame from the server. Never throws. */
export function parseServerMessage(text: string): ParseResult<ServerMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad-json', message: 'the frame is not valid JSON', id: null };
  }
  const result = v.safeParse(ServerMessage, raw);
  if (!result.success) {
    return { ok: false, code: 'bad-message', message: describeIssues(result.issues), id: requestIdOf(raw) };
  }
  return { ok: true, message: result.output };
}

/** Validates a reply's `result` against the schema of the request that asked for it. */
export function parseResult<S extends v.GenericSchema>(schema: S, result: unknown): v.InferOutput<S> {
  const parsed = v.safeParse(schema, result);
  if (!parsed.success) throw new Error(`invalid reply: ${describeIssues(parsed.issues)}`);
  return parsed.output;
}
