import { PendingMember, SigningKey } from '../packages/client/src/e2ee/mls-group.ts';

/**
 * One key package, group, add commit and Welcome in this process, with the SDK's MLS code, and
 * how long that took (ms). The first MLS work in a process also loads and compiles ts-mls and sets
 * up its crypto; a browser pays that once per page. Done before the measured runs so each of them
 * measures the same warm process.
 */
export async function warmUpMls(): Promise<number> {
  const startedAt = performance.now();
  const creator = await PendingMember.generate('warm-up-a', await SigningKey.generate());
  const joiner = await PendingMember.generate('warm-up-b', await SigningKey.generate());
  const group = await creator.createGroup();
  const { pending } = await group.commit([{ memberId: 'warm-up-b', keyPackage: joiner.encoded }], []);
  if (!pending?.welcome) throw new Error('the warm-up commit has no Welcome');
  await joiner.join(pending.welcome);
  return performance.now() - startedAt;
}
