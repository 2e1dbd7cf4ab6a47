// How a stored run's status is shown wherever runs are listed (`fixbench history`, the site index):
// one owner, so a shard or a partial merge reads the same in both.
import type { RunHeader, Shard } from './records.ts';

/** `shard i/n`: a shard of a run (`run --shard i/n`). */
export const shardText = (s: Shard): string => `shard ${s.index}/${s.count}`;

/** `shard 2/3 missing`, `shards 1/4, 3/4 missing`: the shards a partial merge lacks. */
export const missingText = (missing: readonly Shard[]): string =>
  `shard${missing.length === 1 ? '' : 's'} ${missing.map((s) => `${s.index}/${s.count}`).join(', ')} missing`;

/**
 * The status of a run as listed: its `status`, then in parentheses what makes it less than a whole
 * run, if anything: `shard i/n` (its rates divide by the whole suite; merge the shards), or
 * `partial merge: shard i/n missing` (`merge --allow-missing`: those attempts never ran).
 * `mergedInto`: the run a `fixbench merge` joined the shard into, said after it (`finished (shard 2/3, merged into night-1)`).
 * E.g. `finished`, `finished (shard 2/3)`, `finished (partial merge: shard 2/3 missing)`.
 */
export function runStatusLabel(h: Pick<RunHeader, 'status' | 'shard' | 'missing_shards'>, mergedInto?: string): string {
  if (h.shard) return `${h.status} (${shardText(h.shard)}${mergedInto ? `, merged into ${mergedInto}` : ''})`;
  return h.missing_shards?.length ? `${h.status} (partial merge: ${missingText(h.missing_shards)})` : h.status;
}

/**
 * Orders runs newest first by their own time: `started_at`, then (for merges of the same shards,
 * which share it) `merged_at`, the later merge first; a run without `merged_at` sorts after one with it.
 */
export function newestFirst(a: Pick<RunHeader, 'started_at' | 'merged_at'>, b: Pick<RunHeader, 'started_at' | 'merged_at'>): number {
  const ka = [a.started_at, a.merged_at ?? ''];
  const kb = [b.started_at, b.merged_at ?? ''];
  for (let i = 0; i < 2; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? 1 : -1;
  return 0;
}

/**
 * {@link runStatusLabel} of a run, with `(no live process)` after `running` when `writer` (src/store/lock.ts
 * `runWriterState`) says no process writes it any more (killed: kill -9, a crash, a closed terminal),
 * then `: <resume>` when given: the command that finishes it, e.g.
 * `running (no live process): npx fixbench run --resume r1`. A merge left running says to remove it and merge again (a merge never writes into an existing folder).
 */
export function liveStatusLabel(h: Pick<RunHeader, 'status' | 'shard' | 'missing_shards' | 'merging'>, writer: 'alive' | 'gone' | 'unknown', resume?: string, mergedInto?: string): string {
  const label = runStatusLabel(h, mergedInto);
  if (h.status !== 'running' || writer !== 'gone') return label;
  const dead = label.replace(/^running/, 'running (no live process)');
  if (h.merging) return `${dead}: a killed merge: remove its folder and merge again`;
  return resume ? `${dead}: ${resume}` : dead;
}
