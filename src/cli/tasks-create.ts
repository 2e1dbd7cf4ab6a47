// `fixbench tasks create`: a task folder and bundle from a repository, a base commit and a fix.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ExitCode } from '../core/errors.ts';
import { createSandbox, type SandboxChoice } from '../sandbox/index.ts';
import { buildTask, DEFAULT_TEST_FILES, saveTask, type CreateOptions } from '../tasks/create.ts';
import { checkCreateFlags, planCreate } from '../tasks/create-plan.ts';
import { createSummary } from '../tasks/create-summary.ts';
import { EnvCache, defaultCacheDir } from '../workspace/env-cache.ts';
import { writeTasksDir } from './common.ts';
import { commandPrefix, shellWord } from './hints.ts';
import { userPath } from './user-path.ts';
import { repoCacheFor } from './tasks-check.ts';
import { untrustedWork } from './trust.ts';
import { existingFixes, sameFixAs } from '../tasks/mine-dedupe.ts';
import { UserInputError } from '../core/errors.ts';

export interface CreateCliOptions {
  repo: string;
  base: string;
  fix: string;
  testCmd?: string;
  testReport: string;
  setup: string;
  issue?: string;
  id?: string;
  testFiles?: string[];
  timeout: number;
  runs: number;
  tasks?: string;
  bundleName?: string;
  bundle: boolean;
  upstream?: string;
  force?: boolean;
  /** `--allow-duplicate`: write the task although another task of the folder holds the same base_commit and fix. */
  allowDuplicate?: boolean;
  verbose?: boolean;
  cacheDir?: string;
  envCache?: boolean;
  sandbox: SandboxChoice;
}

const log = (s: string) => process.stderr.write(s + '\n');

/** The run spec and task-shape flags shared by create, mine and fetch, as `CreateOptions` fields. */
export function createFlags(o: Pick<CreateCliOptions, 'setup' | 'testCmd' | 'testReport' | 'timeout' | 'runs' | 'testFiles'>) {
  return {
    setup: o.setup, test_cmd: o.testCmd ?? '', test_report: o.testReport, timeout_s: o.timeout, runs: o.runs,
    testFiles: o.testFiles?.length ? o.testFiles : DEFAULT_TEST_FILES,
  };
}

/** The environment cache of `--cache-dir` / `--no-env-cache`, or undefined when off. */
export const envCacheFor = (o: { cacheDir?: string; envCache?: boolean }): EnvCache | undefined =>
  o.envCache === false ? undefined : new EnvCache(path.resolve(o.cacheDir ?? defaultCacheDir()));

/**
 * Runs `fixbench tasks create`: checks every flag and the repository before any test runs (and
 * refuses a fix another task of the folder holds, unless --allow-duplicate), runs
 * the tests, lints the task in memory, and only then writes it; prints a summary (the full
 * PASS_TO_PASS list with --verbose). @throws UserInputError for bad input (nothing written).
 */
export async function tasksCreateCommand(o: CreateCliOptions): Promise<number> {
  const tasksDir = writeTasksDir(o.tasks, 'tasks create');
  const flags = createFlags(o);
  checkCreateFlags({ ...flags, id: o.id, bundleName: o.bundleName, upstream: o.upstream });
  const repoCache = repoCacheFor(tasksDir);
  const sandbox = await createSandbox(o.sandbox, { untrusted: untrustedWork({ repo: o.repo }) });
  const work = await mkdtemp(path.join(os.tmpdir(), 'fixbench-create-'));
  try {
    const envCache = envCacheFor(o);
    const opts: CreateOptions = {
      repo: o.repo, base: o.base, fix: o.fix, issue: o.issue, id: o.id, ...flags,
      tasksDir, bundle: o.bundle, bundleName: o.bundleName, upstream: o.upstream, force: o.force,
      sandbox, repoCache, workDir: work, log, ...(envCache ? { envCache } : {}),
    };
    const plan = await planCreate(opts);
    const twin = sameFixAs({ instance_id: plan.id, base_commit: plan.base, patch: plan.split.gold, test_patch: plan.split.test }, await existingFixes(tasksDir));
    const twinText = `task ${twin?.id} in ${tasksDir} already has this base_commit and fix (as \`tasks mine\` calls it: exists)`;
    if (twin?.same === 'fix' && !o.allowDuplicate) {
      throw new UserInputError(`${twinText}; a suite scores each fix once, so nothing was run or written: remove ${path.join(tasksDir, twin.id)} first, or pass --allow-duplicate to add ${plan.id} beside it`);
    }
    const r = await saveTask(opts, await buildTask(opts, plan));
    const twinWarning = !twin ? null
      : twin.same === 'fix' ? `${twinText}; ${plan.id} is a duplicate written by --allow-duplicate (a suite scores each fix once)`
      : `task ${twin.id} in ${tasksDir} already has this base_commit and gold.patch; only the tests differ, so the suite scores this fix twice: add these tests to ${twin.id} instead, unless they ask for other behaviour`;
    const warnings = twinWarning ? [...r.warnings, twinWarning] : r.warnings;
    process.stdout.write(createSummary(r.dir, r.task, { verbose: o.verbose, warnings, run_ms: r.run_ms }));
    log(`next: read FAIL_TO_PASS (each must be a test the issue asks for), then run: ${commandPrefix()} tasks validate ${r.task.instance_id} --tasks ${shellWord(userPath(o.tasks!))}`);
    log('tamper protection not judged yet: create ran the canaries, tasks validate says how well they cover this task (weak odds, files with no canary or no hook canary, a gold run left unprotected)');
    return ExitCode.ok;
  } finally {
    await sandbox.cleanup();
    await rm(work, { recursive: true, force: true });
  }
}
