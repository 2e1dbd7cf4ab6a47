// `fixbench tasks mine`: validated tasks from a repository's history, with a report of every candidate.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { createSandbox } from '../sandbox/index.ts';
import { checkCreateFlags } from '../tasks/create-plan.ts';
import { printable } from '../tasks/create-summary.ts';
import { mineRepo, type MineReport } from '../tasks/mine.ts';
import { createdAfter } from '../tasks/select.ts';
import { reportFileOption, writeTasksDir } from './common.ts';
import { textTable } from './table.ts';
import { createFlags, envCacheFor, type CreateCliOptions } from './tasks-create.ts';
import { repoCacheFor } from './tasks-check.ts';
import { untrustedWork } from './trust.ts';

export interface MineCliOptions extends Omit<CreateCliOptions, 'base' | 'fix' | 'issue' | 'id' | 'verbose'> {
  ref?: string;
  since?: string;
  createdAfter?: string;
  max?: number;
  maxFailToPass: number;
  /** `--report <file>`: the JSON report (default `<reports>/tasks-mine.json`). */
  report?: string;
  /** `--reports <dir>`: the reports folder. */
  reports: string;
}

/** The readable table of a mine report: one row per candidate, then the totals by verdict. */
export function mineTable(r: MineReport): string {
  const rows = r.candidates.map((c) => [c.commit.slice(0, 10), c.created_at.slice(0, 10), c.verdict, c.FAIL_TO_PASS ?? '', c.PASS_TO_PASS ?? '', `${(c.wall_ms / 1000).toFixed(1)} s`, printable(c.reason || c.subject).slice(0, 160)]);
  const counts = new Map<string, number>();
  for (const c of r.candidates) counts.set(c.verdict, (counts.get(c.verdict) ?? 0) + 1);
  return (
    `${printable(r.repo)}: ${r.commits_scanned} commit(s) walked, ${r.candidates.length} candidate(s), ${r.kept.length} kept; ${(r.wall_ms / 1000).toFixed(0)} s\n\n` +
    textTable(['commit', 'created', 'verdict', 'F2P', 'P2P', 'time', 'reason (or subject when valid)'], rows) +
    `\n${[...counts].map(([v, n]) => `${v}: ${n}`).join(', ')}\n`
  );
}

/**
 * Runs `fixbench tasks mine`; writes the report (JSON, and the table beside it as .txt) and the
 * kept tasks. Exit 0 when at least one task was kept, 3 when none was.
 */
export async function tasksMineCommand(o: MineCliOptions): Promise<number> {
  const tasksDir = writeTasksDir(o.tasks, 'tasks mine');
  const file = await reportFileOption(o, 'tasks-mine.json');
  const flags = createFlags(o);
  checkCreateFlags({ ...flags, bundleName: o.bundleName, upstream: o.upstream });
  if (o.since !== undefined && Number.isNaN(Date.parse(o.since))) throw new UserInputError(`--since ${o.since}: give an ISO date such as 2025-01-31`);
  // The contamination window is a lower bound on the fix commit's date, as --since is: both apply.
  if (o.createdAfter !== undefined) createdAfter([{ instance_id: 'check', created_at: '9999-12-31' }], o.createdAfter);
  const since = o.since;
  const repoCache = repoCacheFor(tasksDir);
  const sandbox = await createSandbox(o.sandbox, { untrusted: untrustedWork({ repo: o.repo }) });
  const work = await mkdtemp(path.join(os.tmpdir(), 'fixbench-mine-'));
  try {
    const envCache = envCacheFor(o);
    const report = await mineRepo({
      repo: o.repo, ref: o.ref, since, createdAfter: o.createdAfter, max: o.max, maxFailToPass: o.maxFailToPass, validateRuns: o.runs,
      setup: flags.setup, test_cmd: flags.test_cmd, test_report: flags.test_report, timeout_s: flags.timeout_s, testFiles: flags.testFiles,
      tasksDir, bundle: o.bundle, bundleName: o.bundleName, upstream: o.upstream, force: o.force,
      sandbox, repoCache, workDir: work, ...(envCache ? { envCache } : {}),
      onCandidate: (c) => process.stderr.write(`${c.commit.slice(0, 10)} ${c.verdict}${c.reason ? `: ${printable(c.reason).slice(0, 200)}` : ''}\n`),
    });
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(report, null, 2) + '\n');
    const table = mineTable(report);
    await writeFile(file.replace(/(\.json)?$/, '.txt'), table);
    process.stdout.write(table + `report: ${file}\n` + (report.kept.length ? `kept ${report.kept.length} task(s) in ${tasksDir}: ${report.kept.join(', ')}\n` : 'no task kept\n'));
    return report.kept.length ? ExitCode.ok : ExitCode.gateFailed;
  } finally {
    await sandbox.cleanup();
    await rm(work, { recursive: true, force: true });
  }
}
