// What `merge` says about the infra errors its shards recorded: how many per shard, and the exact
// `run --retry-errors <shard>` that re-runs them before merging again (newcomer20 #3).
import type { AttemptRecord, RunHeader } from '../store/records.ts';
import { resumeCommand, type ResumeFlags } from './hints.ts';

/** The infra errors of one merged shard: `shard` "i/n", `dir` the folder as given to merge, `count` its `infra_error` records, `retry` the command re-running them (null when the shard's budget was exhausted: a resume starts no model attempt). */
export interface ShardInfraErrors {
  shard: string;
  dir: string;
  count: number;
  retry: string | null;
}

/**
 * The shards (in shard order) holding `infra_error` records, each with its count and its
 * `<prefix> run --retry-errors <dir as given>` (`resumeCommand`; `--reports` carried when `flags.given`
 * names it; the shard's run.json gives its models file, tasks folder and shard). [] when none has any.
 */
export function shardInfraErrors(
  shards: ReadonlyArray<{ given: string; header: Pick<RunHeader, 'shard' | 'status'>; attempts: ReadonlyArray<Pick<AttemptRecord, 'outcome'>> }>,
  flags: ResumeFlags,
  prefix?: string,
): ShardInfraErrors[] {
  return [...shards]
    .sort((a, b) => (a.header.shard?.index ?? 0) - (b.header.shard?.index ?? 0))
    .flatMap((s) => {
      const count = s.attempts.filter((r) => r.outcome === 'infra_error').length;
      if (!count) return [];
      const retry = s.header.status === 'budget_exhausted' ? null : resumeCommand(s.given, flags, { retry: true, ...(prefix ? { prefix } : {}) });
      return [{ shard: s.header.shard ? `${s.header.shard.index}/${s.header.shard.count}` : '?', dir: s.given, count, retry }];
    });
}

/** `infra errors: 3 in shard 2/3 (results/n-s2), 1 in shard 3/3 (…)`, for the line `merge` prints; "" when `list` is empty. */
export function infraErrorCounts(list: readonly ShardInfraErrors[]): string {
  return list.length ? `infra errors: ${list.map((s) => `${s.count} in shard ${s.shard} (${s.dir})`).join(', ')}` : '';
}

/**
 * The `next:` lines (ending in a newline) of a merge whose shards hold infra errors: they are left
 * out of every rate; re-run each shard's with its `retry` command, then merge again (`merge` writes
 * a new folder: `out` removed first), or build the report as it is (`report`). A shard whose budget
 * was exhausted gets no retry (a resume would start no model attempt): it is named so.
 */
export function infraErrorNextStep(list: readonly ShardInfraErrors[], out: string, report: string): string {
  const total = list.reduce((n, s) => n + s.count, 0);
  const lines = list.map((s) => (s.retry ? `  ${s.retry}` : `  (shard ${s.shard}, ${s.dir}: its run budget was exhausted, which --retry-errors keeps: it would start no model attempt)`));
  return `next: ${total} infra error(s) are left out of every rate's denominator (${list.map((s) => `shard ${s.shard}: ${s.count}`).join(', ')}); re-run them with:\n${lines.join('\n')}\n` +
    `then remove ${out} and run this merge again; or build the report of this merge as it is: ${report}\n`;
}
