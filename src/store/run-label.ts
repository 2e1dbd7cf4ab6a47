// How a stored run's status is shown wherever runs are listed (`fixbench history`, the site index):
// one owner, so a shard or a partial merge reads the same in both.
import type { RunHeader, Shard } from './records.ts';

/** `shard i/n`: a shard of a run (`run --shard i/n`). */
export const shardText = (s: Shard): string => `shard ${s.index}/${s.count}`;

/**
 * The status of a run as listed: its `status`, then in parentheses what makes it less than a whole
 * run, if anything: `shard i/n` (its rates divide by the whole suite; merge the shards).
 * E.g. `finished`, `finished (shard 2/3)`.
 */
export function runStatusLabel(h: Pick<RunHeader, 'status' | 'shard'>): string {
  return h.shard ? `${h.status} (${shardText(h.shard)})` : h.status;
}
