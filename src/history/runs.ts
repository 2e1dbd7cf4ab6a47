// Run history: the runs under a results folder, grouped by task suite and configuration, so a
// nightly run is compared with the previous run of the same suite and setup.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { stableHash } from '../core/ids.ts';
import { runConfigHash } from '../config/run-config.ts';
import { configDiff } from '../config/run-config-diff.ts';
import { UserInputError } from '../core/errors.ts';
import type { RunHeader } from '../store/records.ts';
import { readRun } from '../store/store.ts';
import { newestFirst } from '../store/run-label.ts';

export interface RunEntry {
  dir: string;
  header: RunHeader;
  /** Suite hash + config hash: runs with the same group are comparable night to night. */
  group: string;
  /** For a shard run a `fixbench merge` joined: the run id of the merged run (listed, never "latest" or "previous"). */
  mergedInto?: string;
}

/**
 * Configuration identity of a run (16 hex chars): `runConfigHash` of its RunConfig (key-order
 * independent; not the shard, run id or times). A run older than RunConfig keeps the hash it always
 * had, of its contenders (id, agent, upstream model, price row), limits, attempts per task,
 * --rerun-failed and price sheet file, so nightly history stays grouped.
 */
export function configHash(h: RunHeader): string {
  if (h.config) return runConfigHash(h.config);
  return stableHash(
    h.contenders.map((c) => [c.id, c.agent, c.upstream, c.price]),
    h.limits,
    h.attempts_per_task,
    h.rerun_failed,
    h.price_sheet.file,
  ).slice(0, 16);
}

/**
 * `runs` less each shard run another of them was merged from (`merged_from` names its run id): the
 * merged run holds the shard's attempts, so a shard would count them twice. Order kept. Pure.
 */
export function withoutMergedShards<T extends { header: Pick<RunHeader, 'run_id' | 'merged_from'> }>(runs: readonly T[]): T[] {
  const merged = new Set(runs.flatMap((r) => r.header.merged_from ?? []));
  return runs.filter((r) => !merged.has(r.header.run_id));
}

/**
 * Every readable run folder under `resultsDir`, newest first (`newestFirst`: by `started_at`, then `merged_at`). A shard run
 * that was merged is listed with `mergedInto` (the merged run holds its attempts: a sum over runs takes
 * {@link withoutMergedShards}); folders that are not runs are skipped, and unreadable runs are
 * returned in `problems` instead of failing the listing.
 */
export async function listRuns(resultsDir: string): Promise<{ runs: RunEntry[]; problems: string[] }> {
  let names: string[];
  try {
    names = (await readdir(resultsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (e) {
    throw new UserInputError(`${resultsDir}: cannot list the results folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pass --results <dir>`, { cause: e });
  }
  const runs: RunEntry[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const dir = path.join(resultsDir, name);
    try {
      const { header } = await readRun(dir);
      runs.push({ dir, header, group: `${header.suite.hash}/${configHash(header)}` });
    } catch (e) {
      if (e instanceof UserInputError && /cannot read run header/.test(e.message)) continue; // not a run folder
      problems.push((e as Error).message);
    }
  }
  const into = new Map(runs.flatMap((r) => (r.header.merged_from ?? []).map((id) => [id, r.header.run_id] as const)));
  const listed = runs.map((r) => (into.has(r.header.run_id) ? { ...r, mergedInto: into.get(r.header.run_id)! } : r));
  listed.sort((a, b) => newestFirst(a.header, b.header));
  return { runs: listed, problems };
}

/**
 * Resolves the `compare` arguments: `latest` = the newest run; `previous` = the newest run of
 * head's group started before head (runs still running and shard runs are never picked). Other values are a folder or a run id under `resultsDir`.
 * `prefix`: the words that start fixbench in the commands an error suggests (the CLI's `commandPrefix()`);
 * `carried`: the flags they carry from the command line (src/cli/hints.ts `givenFlags`: ` --results <dir>` or "").
 * @throws UserInputError when there is no such run.
 */
export async function resolveRunPair(base: string, head: string, resultsDir: string, prefix = 'fixbench', carried = ''): Promise<{ base: string; head: string }> {
  const needsHistory = base === 'previous' || head === 'latest';
  // a shard's rates cover only its share of the suite: never "latest" or "previous" (merge the shards first)
  const history = needsHistory ? (await listRuns(resultsDir)).runs.filter((r) => r.header.status !== 'running' && !r.header.shard) : [];
  const folder = (run: string) => (path.isAbsolute(run) || run.includes(path.sep) ? path.resolve(run) : path.resolve(resultsDir, run));
  let headDir: string;
  if (head === 'latest') {
    if (!history.length) throw new UserInputError(`${resultsDir}: no finished run to use as "latest"`);
    headDir = history[0]!.dir;
  } else headDir = folder(head);
  let baseDir: string;
  if (base === 'previous') {
    const h = history.find((r) => r.dir === headDir) ?? (await (async () => {
      const { header } = await readRun(headDir);
      return { dir: headDir, header, group: `${header.suite.hash}/${configHash(header)}` };
    })());
    const prev = history.find((r) => r.group === h.group && r.dir !== headDir && r.header.started_at < h.header.started_at);
    if (!prev) throw new UserInputError(noPreviousMessage(h, history, resultsDir, prefix, carried));
    baseDir = prev.dir;
  } else baseDir = folder(base);
  return { base: baseDir, head: headDir };
}

/** Most runs listed when `previous` finds none. */
const MAX_LISTED = 12;

/**
 * Why `previous` found no base for `head`, and the finished runs that share tasks with it (newest
 * first, each with the tasks in common and whether its configuration is the same), so one can be
 * named as the base; `--task` / `--created-after` select another suite, which is the usual cause.
 * `prefix` starts the commands it suggests (`fixbench`, `npx fixbench`, …), `carried` ends them
 * (` --results <dir>` when the command line gave it).
 */
export function noPreviousMessage(head: RunEntry, history: readonly RunEntry[], resultsDir: string, prefix = 'fixbench', carried = ''): string {
  const ids = new Set(head.header.suite.instance_ids);
  const config = head.group.split('/')[1];
  const sharing = history
    .filter((r) => r.dir !== head.dir)
    .map((r) => ({ r, shared: r.header.suite.instance_ids.filter((id) => ids.has(id)).length }))
    .filter((x) => x.shared > 0);
  // The usual nightly cause: the same suite, but a price sheet, model or limit changed since; else another suite (--task, --created-after).
  const sameSuite = sharing.find((x) => x.r.group !== head.group && x.r.group.split('/')[0] === head.group.split('/')[0]);
  const what = `${resultsDir}: no earlier run of the same task suite and configuration as ${head.header.run_id} (suite ${head.header.suite.hash.slice(0, 12)}, ${ids.size} task(s))${sameSuite ? '' : '; a run with --task or --created-after is a suite of its own'}`;
  if (!sharing.length) return `${what}, and no other run shares a task with it; run the same suite again, then compare`;
  const width = Math.max(...sharing.slice(0, MAX_LISTED).map((x) => x.r.header.run_id.length));
  const lines = sharing.slice(0, MAX_LISTED).map(({ r, shared }) =>
    `  ${r.header.run_id.padEnd(width)}  ${shared} of its ${r.header.suite.instance_ids.length} task(s) in common${r.group === head.group ? '' : r.group.split('/')[0] === head.group.split('/')[0] ? ', other configuration' : r.group.split('/')[1] === config ? ', other suite' : ', other suite and configuration'}`,
  );
  const more = sharing.length > MAX_LISTED ? [`  … and ${sharing.length - MAX_LISTED} more (\`${prefix} history${carried}\` lists them all)`] : [];
  const changed = sameSuite ? configChanges(sameSuite.r.header, head.header) : [];
  const why = changed.length
    ? [`${sameSuite!.r.header.run_id} ran the same suite with another configuration; what changed (${sameSuite!.r.header.run_id} → ${head.header.run_id}):`, ...changed.slice(0, MAX_CHANGES).map((l) => `  ${l}`), ...(changed.length > MAX_CHANGES ? [`  … and ${changed.length - MAX_CHANGES} more`] : [])]
    : [];
  return `${what}.\n${[...why, `runs sharing tasks with it (newest first; compared on the tasks in common: \`${prefix} compare <run> ${head.header.run_id}${carried}\`):`, ...lines, ...more].join('\n')}`;
}

/** Most configuration differences named when `previous` finds none. */
const MAX_CHANGES = 8;

/**
 * The configuration fields that differ between two runs' headers, one `path: before → after` line
 * each (run-config-diff.ts), from their RunConfig when both have one, else from the fields an older
 * run's configuration hash covers (`configHash`). Empty when nothing differs.
 */
export function configChanges(before: RunHeader, after: RunHeader): string[] {
  const legacy = (h: RunHeader) => ({
    contenders: h.contenders.map((c) => ({ id: c.id, agent: c.agent, upstream: c.upstream, price: c.price })),
    limits: h.limits,
    attempts_per_task: h.attempts_per_task,
    rerun_failed: h.rerun_failed,
    price_sheet: h.price_sheet.file,
  });
  return before.config && after.config ? configDiff(before.config, after.config) : configDiff(legacy(before), legacy(after));
}
