/**
 * A child process of the e2ee-join benchmark: runs some of the meeting's members (E2EE bots), so
 * their MLS work and media decryption never share an event loop with the member being measured.
 * Driven over IPC by `MemberProcess` (e2ee-members.ts).
 */
import type { Bot } from './bot/bot.ts';
import { mlsWorkOneAtATime } from './bot/mls-one-at-a-time.ts';
import { mlsSpans, timeMlsWork } from './bot/mls-timing.ts';
import type { E2eeBotOptions } from './e2ee-join.ts';
import { joinE2eeBot } from './e2ee-join.ts';
import type { MemberCommand, MemberReply, MemberState, MemberTimeline } from './e2ee-members.ts';

timeMlsWork();
if (process.argv.includes('--background')) mlsWorkOneAtATime();
const bots: Bot[] = [];
const wall = (t: number) => (t ? performance.timeOrigin + t : 0);

async function run(command: MemberCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'join':
      return join(command.options, command.names, command.concurrency);
    case 'state':
      return bots.map(
        (b): MemberState => ({
          id: b.memberId,
          epoch: b.e2ee?.latest ? Number(b.e2ee.latest.epoch) : null,
          members: b.e2ee?.latest?.members.length ?? 0,
          rejoins: b.e2ee?.rejoins ?? 0,
        }),
      );
    case 'timeline':
      return timeline(command.since);
    case 'close':
      for (const bot of bots.splice(0)) bot.close();
      return null;
  }
}

/** Joins `names` in batches of `concurrency` (a batch's key packages go into one commit). */
async function join(options: E2eeBotOptions, names: string[], concurrency: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < names.length; i += concurrency) {
    const batch = await Promise.all(names.slice(i, i + concurrency).map((name) => joinE2eeBot(options, name)));
    bots.push(...batch);
    ids.push(...batch.map((b) => b.memberId));
  }
  return ids;
}

/** Every committer task received since `since` (wall clock), with the commits built for it. */
function timeline(since: number): MemberTimeline {
  const tasks = bots.flatMap((b) =>
    (b.e2ee?.tasks ?? [])
      .filter((t) => wall(t.receivedAt) >= since)
      .map((t) => ({
        member: b.memberId,
        epoch: t.epoch,
        adds: t.adds,
        receivedAt: wall(t.receivedAt),
        sentAt: wall(t.sentAt),
        acceptedAt: wall(t.acceptedAt),
      })),
  );
  const commits = mlsSpans.commits
    .map((s) => ({ startedAt: wall(s.startedAt), endedAt: wall(s.endedAt) }))
    .filter((s) => s.startedAt >= since);
  return { tasks, commits };
}

process.on('message', (command: MemberCommand) => {
  run(command).then(
    (result) => process.send?.({ id: command.id, result } satisfies MemberReply),
    (error: Error) => process.send?.({ id: command.id, error: error.message } satisfies MemberReply),
  );
});
// The benchmark went away: so do our bots.
process.on('disconnect', () => process.exit(0));
