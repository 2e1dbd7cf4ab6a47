// `fixbench merge <out> <shards...>`: join shard result folders into one run folder.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { MERGE_IN_PROGRESS_NOTE, mergeShards, mergeUnfinished, type ShardInput } from '../store/merge.ts';
import { RunId } from '../store/records.ts';
import { missingText, runStatusLabel } from '../store/run-label.ts';
import { RunWriter, readRun, readRunHeader } from '../store/store.ts';
import { readSuperseded } from '../store/superseded.ts';
import { settleRecordedLedgers } from '../store/ledger.ts';
import { assertNoLinks } from '../store/run-fs.ts';
import { commandPrefix, givenFlags, shellWord } from './hints.ts';
import { runFolders } from './run-lookup.ts';
import { mixedRunsProblem } from './merge-hint.ts';
import { infraErrorCounts, infraErrorNextStep, shardInfraErrors } from './merge-infra.ts';
import picomatch from 'picomatch';
import { RunStoppedError, environmentWhere } from '../runner/run-failure.ts';

/**
 * Reads every shard folder, checks and joins them (`mergeShards`), then writes `<out>/run.json`
 * with status "running", `merging: true` (and `MERGE_IN_PROGRESS_NOTE`), `attempts.jsonl`, each shard's
 * `attempts.superseded.jsonl` records (paid calls set aside by `--retry-errors`, `run_id` set to the
 * merged run's), `logs/`, `trajectories/` and `ledgers/` (a killed shard's billed calls of attempts it
 * never recorded: a resume of the merged run folds them into those attempts' records, as a resume of
 * the shard would; `settleRecordedLedgers` marks those its records already count), and only then the merged header (its own status):
 * a merge killed midway leaves a folder that says "running", never a finished run lacking attempts.
 * Prints what was merged and, when every shard had finished, the `report` command of the merged run
 * (`next:` on stderr; `out` as given, with `--reports` when `o.given` names it: merge only passes it on).
 * @throws UserInputError when `<out>` exists, a shard is unreadable, holds a symbolic link, the shards disagree,
 * or their run ids name different runs (`mixedRunsProblem`) without `o.mixedRunIds`;
 * RunStoppedError (exit 2) when the environment stops the writing (a full disk: `mergeStopped`), `<out>` then removed.
 */
export async function mergeCommand(out: string, shards: string[], o: { runId?: string; allowMissing?: boolean; mixedRunIds?: boolean; json?: boolean; reports?: string; given?: readonly string[] }): Promise<number> {
  const outDir = path.resolve(out);
  if (existsSync(outDir)) {
    const killed = await readRunHeader(outDir).then(mergeUnfinished, () => false);
    const why = killed ? ' (a merge into it was stopped before it finished: it lacks records)' : '';
    throw new UserInputError(`${outDir} already exists${why}: merge writes a new run folder; name another or remove it`);
  }
  const runId = o.runId ?? path.basename(outDir);
  if (!RunId.safeParse(runId).success) throw new UserInputError(`run id "${runId.slice(0, 120)}" (--run-id, or the name of <out>): use letters, digits, ".", "_" and "-", starting with a letter or digit`);
  const inputs: ShardInput[] = [];
  for (const s of shards) {
    const dir = path.resolve(s);
    // A shell pattern that matched nothing reaches us as it was typed (`shards/nightly-1-s*`): say so, and list what is there.
    if (!existsSync(path.join(dir, 'run.json'))) {
      const isMatch = picomatch(path.basename(dir));
      const matching = /[*?[]/.test(s) ? runFolders(path.dirname(dir)).filter((name) => isMatch(name)) : [];
      const why = matching.length
        ? `fixbench does not expand patterns, and the shell did not (the pattern is quoted): ${matching.length} folder(s) match it; leave it unquoted`
        : /[*?[]/.test(s) && !existsSync(dir) ? 'no folder matches this pattern (the shell passes a pattern that matches nothing as it is)' : `${path.join(dir, 'run.json')} does not exist`;
      throw new UserInputError(`shard "${s}": ${why}; name the shard run folders (\`run --shard\` writes them)\n${shardList(path.dirname(dir))}`);
    }
    await assertNoLinks(dir);
    inputs.push({ dir, ...(await readRun(dir)) });
  }
  const infra = shardInfraErrors(inputs.map((s, i) => ({ given: shards[i]!, header: s.header, attempts: s.attempts })), o);
  const mixed = o.mixedRunIds ? null : mixedRunsProblem(inputs.map((s) => s.header));
  if (mixed) throw new UserInputError(mixed);
  const merged = mergeShards(inputs, runId, o.allowMissing ? { allowMissing: true } : {});
  // made exclusively and locked first: a merge refused here (another made <out> meanwhile) neither writes nor removes anything there
  const final = merged.header;
  const writing = { ...final, status: 'running' as const, finished_at: null, merging: true as const, note: [MERGE_IN_PROGRESS_NOTE, final.note].filter(Boolean).join('; ') };
  const { writer, unlock } = await RunWriter.createLocked(outDir, writing).catch((e: unknown) => {
    throw mergeStopped(outDir, e); // createLocked removed the folder it made
  });
  try {
    for (const r of merged.attempts) await writer.appendAttempt(r);
    const byIndex = [...inputs].sort((a, b) => a.header.shard!.index - b.header.shard!.index);
    for (const s of byIndex) {
      const setAside = await readSuperseded(s.dir, s.header.limits);
      await writer.appendSuperseded(setAside.map((r) => ({ ...r, run_id: runId })), final.limits);
    }
    for (const s of inputs) await writer.copyAttemptFilesFrom(s.dir);
    await settleRecordedLedgers(outDir, new Set(merged.attempts.map((r) => r.key)));
    await writer.writeHeader(final);
  } catch (e) {
    await rm(outDir, { recursive: true, force: true });
    throw mergeStopped(outDir, e);
  } finally {
    await unlock();
  }
  const missing = final.missing_shards ?? [];
  const summary = { run_id: runId, results: outDir, shards: final.merged_from, attempts: merged.attempts.length, status: final.status, merged_at: final.merged_at, missing_shards: missing, infra_errors: infra };
  if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
  else process.stdout.write(`merged ${inputs.length} shard(s), ${merged.attempts.length} attempt(s) into ${outDir}${missing.length ? `: a partial run, ${missingText(missing)} (--allow-missing; history and the site list it as "${runStatusLabel(final)}")` : ''}${infra.length ? `; ${infraErrorCounts(infra)}` : ''}\n`);
  const unfinished = inputs.filter((s) => s.header.status !== 'finished' && s.header.status !== 'budget_exhausted');
  if (unfinished.length) {
    process.stderr.write(
      `warning: the merged run is "${merged.header.status}": ${unfinished.map((s) => `${s.dir} is "${s.header.status}"`).join(', ')}; ` +
        `finish each with \`${commandPrefix()} run --resume <shard>\` (a "running" shard may still be writing, or was killed), then merge again into a new folder\n`,
    );
    // --retry-errors resumes too: a shard holding infra errors is finished and re-run by it in one go
    for (const s of infra) if (s.retry) process.stderr.write(`  shard ${s.shard} holds ${s.count} infra error(s): \`${s.retry}\` re-runs them too\n`);
  } else {
    const report = `${commandPrefix()} report ${shellWord(out)}${givenFlags(o, ['reports'])}`;
    process.stderr.write(infra.length ? infraErrorNextStep(infra, out, report) : `next: build its report: ${report}\n`);
  }
  return ExitCode.ok;
}

/** The error a merge into `outDir` stopped by `e` rejects with: a `RunStoppedError` ("results disk full: <out> …", exit 2) for a fault of the environment, `<out>` having been removed; any other error as it is. */
function mergeStopped(outDir: string, e: unknown): unknown {
  const env = environmentWhere(outDir, e);
  if (!env) return e;
  return new RunStoppedError(`${env.where}; the merge stopped and ${outDir} was removed (the shards are unchanged); free space, then merge again`, { where: env.file ?? outDir, cause: e }, false);
}

/** The run folders under `parent`, for an error naming shards that do not exist (newest run first, at most 12). */
function shardList(parent: string): string {
  const runs = runFolders(parent);
  if (!runs.length) return `there is no run folder under ${parent}`;
  return `run folders under ${parent} (newest first):\n${runs.slice(0, 12).map((r) => `  ${r}`).join('\n')}${runs.length > 12 ? `\n  … and ${runs.length - 12} more` : ''}`;
}
