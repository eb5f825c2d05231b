import * as v from 'valibot';
import { MemberId, RequestId } from './common.ts';
import { MAX_MLS_BATCH, MAX_MLS_MESSAGE_LENGTH } from './limits.ts';

/**
 * The server is the MLS delivery service of each end-to-end encrypted room (docs/e2ee.md): it
 * passes key packages and Welcomes and orders commits, one epoch at a time. Every MLS field is
 * base64 of an encoded MLSMessage; the server never decodes it.
 */
const MlsBytes = v.pipe(v.string(), v.minLength(4), v.maxLength(MAX_MLS_MESSAGE_LENGTH), v.base64());
const Epoch = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 53 - 1));
const MemberIds = v.pipe(v.array(MemberId), v.maxLength(MAX_MLS_BATCH));

/** "Add me": the member's MLS key package. Sent after join, and again to rejoin the group. */
export const MlsKeyPackage = v.object({ type: v.literal('mls-key-package'), id: RequestId, keyPackage: MlsBytes });

/** The member created the room's MLS group (only when asked to by an `mls-task` with epoch null). */
export const MlsCreate = v.object({ type: v.literal('mls-create'), id: RequestId });

/**
 * A commit built on `epoch`, adding the members named in `added` (Welcome in `welcome`) and
 * removing those in `removed`. Accepted only if `epoch` is the group's current epoch (else
 * `stale-epoch`). Key packages the committer refused go in `refused`. Without `commit` the epoch
 * stays: it only clears refused key packages and removals of members the group never had.
 */
export const MlsCommit = v.object({
  type: v.literal('mls-commit'),
  id: RequestId,
  epoch: Epoch,
  commit: v.optional(MlsBytes),
  welcome: v.optional(MlsBytes),
  added: MemberIds,
  removed: MemberIds,
  refused: v.optional(MemberIds),
});

/**
 * To the committer (the longest-present group member): membership work to commit. `epoch` null =
 * there is no group yet: create it (`mls-create`), then a new task follows.
 */
export const MlsTask = v.object({
  type: v.literal('mls-task'),
  epoch: v.nullable(Epoch),
  adds: v.array(v.object({ memberId: MemberId, keyPackage: v.string() })),
  removes: v.array(MemberId),
});

/** A commit that the server accepted, for every other group member, in order. */
export const MlsCommitEvent = v.object({
  type: v.literal('mls-commit'),
  from: MemberId,
  epoch: Epoch,
  commit: v.string(),
});

/** The Welcome that adds this member to the group. */
export const MlsWelcome = v.object({ type: v.literal('mls-welcome'), from: MemberId, epoch: Epoch, welcome: v.string() });
