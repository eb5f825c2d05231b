import type { JoinResult, RequestOf } from '@sotto/protocol';
import { encodedTransformApi } from './e2ee/media-encryption.ts';
import { ConferenceError, e2eeRefusal, LEFT_DURING_JOIN } from './errors.ts';
import type { ServerEvent } from './signaling-client.ts';
import { RequestError } from './signaling-client.ts';
import type { SignalingLink } from './signaling-link.ts';

type KnockAnswer = Extract<ServerEvent, { type: 'knock-answer' }>;

/**
 * The `join` request, through the lobby when the meeting has one: a join refused with `in-lobby`
 * becomes a `knock` (`onWaiting` is called while we wait for a moderator), and the join is sent
 * again with the ticket that the admission carries. A denial rejects with code `denied`;
 * `signal` aborts the wait (`leave()`), rejecting with code `left`. Fields left undefined are
 * not sent.
 */
export async function requestJoin(
  link: SignalingLink,
  fields: RequestOf<'join'>,
  onWaiting: () => void,
  signal: AbortSignal,
): Promise<JoinResult> {
  const request = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as RequestOf<'join'>;
  const result = await joinThroughLobby(link, request, onWaiting, signal);
  // Before any connection exists or any media is sent: a server may not decide, for someone
  // who did not choose it, that the meeting is unencrypted; and an encrypted meeting is left at
  // once by a browser that cannot encrypt.
  const refusal =
    !result.e2ee && request.e2ee !== false ? 'e2ee-downgrade' : result.e2ee && !encodedTransformApi() ? 'e2ee-unsupported' : null;
  if (refusal) {
    link.request({ type: 'leave' }).catch(() => {});
    throw e2eeRefusal(refusal);
  }
  return result;
}

async function joinThroughLobby(
  link: SignalingLink,
  request: RequestOf<'join'>,
  onWaiting: () => void,
  signal: AbortSignal,
): Promise<JoinResult> {
  try {
    return await link.request(request);
  } catch (error) {
    if (!(error instanceof RequestError) || error.code !== 'in-lobby') throw error;
  }
  const answer = nextKnockAnswer(link, signal);
  await link.request({
    type: 'knock',
    room: request.room,
    name: request.name,
    ...(request.password === undefined ? {} : { password: request.password }),
    ...(request.token === undefined ? {} : { token: request.token }),
  });
  onWaiting();
  const { admitted, ticket } = await answer;
  if (!admitted || !ticket) throw new ConferenceError('denied', 'a moderator did not let you into this meeting');
  return link.request({ ...request, ticket });
}

function nextKnockAnswer(link: SignalingLink, signal: AbortSignal): Promise<KnockAnswer> {
  return new Promise((resolve, reject) => {
    const stop = link.on('event', (event) => {
      if (event.type !== 'knock-answer') return;
      stop();
      resolve(event);
    });
    signal.addEventListener('abort', () => {
      stop();
      reject(LEFT_DURING_JOIN);
    });
  });
}
