/**
 * Preloaded into the benchmark's Sotto process (`--import`): marks, on the server's own clock, when
 * an MLS request arrives, when the delivery service hands out a task and when a Welcome is sent,
 * and prints each mark as one `mls-trace {json}` line on stdout. It wraps public methods and the
 * socket's send from the outside, so the product code stays as it is.
 */
import { WebSocket } from 'ws';
import { MlsDeliveryService } from '../packages/server/src/conference/mls-delivery-service.ts';
import { Session } from '../packages/server/src/signaling/session.ts';
import { TRACE_PREFIX } from './e2ee-join-steps.ts';

/** Milliseconds on a clock every process of the benchmark shares (the system clock, µs resolution). */
const now = () => performance.timeOrigin + performance.now();
const emit = (mark: Record<string, unknown>) => process.stdout.write(`${TRACE_PREFIX}${JSON.stringify(mark)}\n`);

/** When the frame being handled arrived (onText runs the delivery service synchronously). */
let textAt = 0;
/** The commit being applied: its Welcome goes to these members. */
let welcoming: string[] = [];
let commitsRelayed = 0;

const onText = Session.prototype.onText;
Session.prototype.onText = function (this: Session, text: string) {
  textAt = now();
  return onText.call(this, text);
};

const keyPackage = MlsDeliveryService.prototype.keyPackage;
MlsDeliveryService.prototype.keyPackage = function (this: MlsDeliveryService, memberId: string, kp: string) {
  emit({ event: 'key-package', member: memberId, receivedAt: textAt, at: now() });
  return keyPackage.call(this, memberId, kp);
};

const commit = MlsDeliveryService.prototype.commit;
MlsDeliveryService.prototype.commit = function (this: MlsDeliveryService, ...args: Parameters<typeof commit>) {
  const [memberId, request] = args;
  const at = now();
  welcoming = request.added;
  commitsRelayed = 0;
  try {
    commit.apply(this, args);
    emit({
      event: 'commit',
      member: memberId,
      epoch: request.epoch,
      added: request.added,
      receivedAt: textAt,
      at,
      commitsRelayed,
    });
  } finally {
    welcoming = [];
  }
};

// Tasks and Welcomes are marked as they are handed to the socket (ws writes to the kernel at once
// when it can); what the mark costs comes after the send.
const send = WebSocket.prototype.send as (this: WebSocket, ...args: unknown[]) => void;
WebSocket.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
  const at = now();
  send.call(this, data, ...rest);
  if (typeof data !== 'string' || !data.startsWith('{"type":"mls-')) return;
  if (data.startsWith('{"type":"mls-commit"')) commitsRelayed++;
  else if (data.startsWith('{"type":"mls-task"')) {
    const task = JSON.parse(data) as { epoch: number | null; adds: Array<{ memberId: string }> };
    emit({ event: 'task', epoch: task.epoch, adds: task.adds.map((a) => a.memberId), at });
  } else if (data.startsWith('{"type":"mls-welcome"')) {
    emit({ event: 'welcome', to: welcoming, at, bytes: data.length });
  }
} as typeof WebSocket.prototype.send;
