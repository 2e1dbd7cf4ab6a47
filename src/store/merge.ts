// `fixbench merge` (DESIGN.md §7): joins the result folders of shards (`run --shard i/n`) into one
// run. Pure: checks and joins stored runs; the CLI does the file system work.
import { UserInputError } from '../core/errors.ts';
import { inShard } from './shard.ts';
import { missingText } from './run-label.ts';
import { predatesRunConfig, resumeMismatches } from './compat.ts';
import type { AttemptRecord, RunHeader } from './records.ts';
import { strayRecord, type StoredRun } from './store.ts';

export interface ShardInput extends StoredRun {
  /** The folder it was read from, named in errors. */
  dir: string;
}

/** The note of a merged run.json while `fixbench merge` writes it (status "running"): a merge killed midway leaves it so. */
export const MERGE_IN_PROGRESS_NOTE = 'merge in progress: if this note stays, the merge was stopped before every record was copied; remove this folder and merge again';

/**
 * Whether `header` is a merged run whose merge has not finished writing it (or was killed: kill -9
 * leaves it so): its `merging` mark, or, in a merge written before that field, the in-progress note.
 */
export function mergeUnfinished(header: Pick<RunHeader, 'status' | 'note' | 'merging'>): boolean {
  return header.merging === true || (header.status === 'running' && (header.note ?? '').includes(MERGE_IN_PROGRESS_NOTE));
}

const STATUS_ORDER: RunHeader['status'][] = ['finished', 'budget_exhausted', 'interrupted', 'running', 'failed'];

/**
 * Joins shard runs into one run named `runId`: same store format version, task suite (hash and
 * ids) and configuration (contenders, limits, attempts, price sheet) in every shard; each shard
 * index of one count at most once; all shards written before RunConfig or all after (the key
 * schemes differ); every record in the shard its key hashes to; no attempt key twice, and no
 * (contender, instance_id, attempt) twice; every record's contender and task in the header. Records come out in the task-major order of the suite, with `run_id` set to `runId`.
 * The merged header has no shard, `merged_from` = the shard run ids, `merged_at` = `opts.mergedAt`
 * (default: now), the earliest start and latest finish, the least finished status of the shards, and
 * `missing_shards` (with a "partial merge" note) when some shard of the split is absent. Its `models_file` is the shards' when every
 * shard records the same one (path and content hash); when they differ (or some record none) it
 * has none and its note says which (a resume of it then needs `--models-file`).
 * @throws UserInputError naming the folder (and the first shard it disagrees with) and what differs;
 * also when a shard of the set is absent, unless `allowMissing`.
 */
export function mergeShards(inputs: ShardInput[], runId: string, opts: { allowMissing?: boolean; mergedAt?: string } = {}): StoredRun {
  if (!inputs.length) throw new UserInputError('merge: name at least one shard folder');
  const first = inputs[0]!;
  const count = first.header.shard?.count;
  const byIndex = new Map<number, string>();
  for (const s of inputs) {
    const h = s.header;
    if (!h.shard) throw new UserInputError(`${s.dir}: not a shard (its run.json has no shard); merge joins folders of \`fixbench run --shard i/n\``);
    if (h.format_version !== first.header.format_version) {
      throw new UserInputError(`${s.dir}: store format_version ${h.format_version}, but ${first.dir} has ${first.header.format_version}; re-run the shards with one fixbench version`);
    }
    if (h.suite.hash !== first.header.suite.hash) {
      throw new UserInputError(`${s.dir}: task suite ${h.suite.hash}, but ${first.dir} ran suite ${first.header.suite.hash}; merge shards of one suite (same tasks at the same commit)`);
    }
    if (h.shard.count !== count) throw new UserInputError(`${s.dir}: shard ${h.shard.index}/${h.shard.count}, but ${first.dir} is a shard of ${count}; merge shards of one split`);
    const other = byIndex.get(h.shard.index);
    if (other) throw new UserInputError(`${s.dir}: shard ${h.shard.index}/${count} is also ${other}; name each shard once`);
    byIndex.set(h.shard.index, s.dir);
    if (predatesRunConfig(h) !== predatesRunConfig(first.header)) {
      const [old, cur] = predatesRunConfig(h) ? [s.dir, first.dir] : [first.dir, s.dir];
      throw new UserInputError(`${old} was written before RunConfig and ${cur} after: their attempt keys are made differently, so one attempt could be recorded twice; re-run the older shard (or every shard) with this fixbench, then merge`);
    }
    const differs = resumeMismatches({ ...first.header, shard: null }, { ...h, shard: null });
    if (differs.length) throw new UserInputError(`${s.dir}: its configuration differs from ${first.dir}: ${differs.join('; ')}; merge shards of one run configuration`);
  }
  const missing = Array.from({ length: count! }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length && !opts.allowMissing) {
    throw new UserInputError(`merge: shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing; pass every shard folder, or --allow-missing for a partial run`);
  }

  const seen = new Map<string, string>();
  const seenAttempt = new Map<string, string>();
  const all: AttemptRecord[] = [];
  for (const s of inputs) {
    for (const r of s.attempts) {
      if (!inShard(r.key, s.header.shard)) {
        throw new UserInputError(`${s.dir}: attempt ${r.key} (${r.contender} ${r.instance_id}#${r.attempt}) does not belong to shard ${s.header.shard!.index}/${count}; this folder was not written by \`run --shard\``);
      }
      const where = seen.get(r.key);
      if (where) throw new UserInputError(`${s.dir}: attempt ${r.key} (${r.contender} ${r.instance_id}#${r.attempt}) is also recorded in ${where}; an attempt is recorded once`);
      const stray = strayRecord(first.header, r, `${s.dir} attempt ${r.key}`, seenAttempt);
      if (stray) throw new UserInputError(stray);
      seen.set(r.key, s.dir);
      all.push({ ...r, run_id: runId });
    }
  }
  const h0 = first.header;
  const taskOrder = new Map(h0.suite.instance_ids.map((id, i) => [id, i]));
  const contenderOrder = new Map(h0.contenders.map((c, i) => [c.id, i]));
  all.sort(
    (a, b) =>
      (taskOrder.get(a.instance_id) ?? 0) - (taskOrder.get(b.instance_id) ?? 0) ||
      a.attempt - b.attempt ||
      (contenderOrder.get(a.contender) ?? 0) - (contenderOrder.get(b.contender) ?? 0),
  );
  const headers = inputs.map((s) => s.header);
  const status = headers.map((h) => h.status).sort((a, b) => STATUS_ORDER.indexOf(b) - STATUS_ORDER.indexOf(a))[0]!;
  const finished = headers.map((h) => h.finished_at);
  const notes = inputs.flatMap((s) => (s.header.note ? [`shard ${s.header.shard!.index}/${count}: ${s.header.note}`] : []));
  if (missing.length) notes.unshift(`partial merge: ${missingText(missing.map((index) => ({ index, count: count! })))}`);
  // another fixbench version or commit is noted, not refused (docs/run-config.md): the RunConfig decides what an attempt means
  const versions = [...new Set(headers.map((h) => h.harness.version))];
  if (versions.length > 1) notes.push(`shards ran different fixbench versions: ${versions.join(', ')}`);
  const commits = [...new Set(headers.map((h) => h.harness.commit))];
  if (commits.length > 1) notes.push(`shards ran different harness commits: ${commits.join(', ')}`);
  // The models file a resume reads (`models_file`): kept only when every shard names the same one (path and content).
  const modelsFiles = [...new Set(headers.map((h) => (h.models_file ? `${h.models_file.file} (sha256 ${h.models_file.content_hash})` : 'none recorded')))].sort();
  if (modelsFiles.length > 1) notes.push(`shards name different models files (${modelsFiles.join(', ')}): none is recorded, so --resume and --retry-errors of the merged run need --models-file`);
  const { models_file: _first, ...rest0 } = h0;
  const header: RunHeader = {
    ...rest0,
    ...(modelsFiles.length === 1 && h0.models_file ? { models_file: h0.models_file } : {}),
    run_id: runId,
    status,
    started_at: headers.map((h) => h.started_at).sort()[0]!,
    finished_at: finished.includes(null) ? null : (finished as string[]).sort().at(-1)!,
    skipped: h0.skipped,
    note: notes.join('; ') || null,
    shard: null,
    resumed_at: [],
    merged_from: [...inputs].sort((a, b) => a.header.shard!.index - b.header.shard!.index).map((s) => s.header.run_id),
    merged_at: opts.mergedAt ?? new Date().toISOString(),
    ...(missing.length ? { missing_shards: missing.map((index) => ({ index, count: count! })) } : {}),
  };
  return { header, attempts: all };
}
