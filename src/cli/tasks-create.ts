// `fixbench tasks create`: a task folder and bundle from a repository, a base commit and a fix.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TaskYaml } from '../config/task.ts';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { createSandbox, type SandboxChoice } from '../sandbox/index.ts';
import { untrustedWork } from './trust.ts';
import { createTask, DEFAULT_TEST_FILES } from '../tasks/create.ts';
import { formatProblem, lintTasks } from '../tasks/lint.ts';
import { defaultTasksDir } from './common.ts';
import { repoCacheFor } from './tasks-check.ts';

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
  force?: boolean;
  sandbox: SandboxChoice;
}

const log = (s: string) => process.stderr.write(s + '\n');

/** Runs `fixbench tasks create`; prints the task folder and its lists, then lints it. @throws UserInputError for bad input. */
export async function tasksCreateCommand(o: CreateCliOptions): Promise<number> {
  const report = TaskYaml.shape.test_report.safeParse(o.testReport);
  if (!report.success) throw new UserInputError(`--test-report ${o.testReport}: ${report.error.issues[0]!.message}`);
  if (o.id !== undefined && !TaskYaml.shape.instance_id.safeParse(o.id).success) {
    throw new UserInputError(`--id ${o.id}: use letters, digits, ".", "_" and "-" only, starting with a letter or digit`);
  }
  const tasksDir = defaultTasksDir(o.tasks);
  const repoCache = repoCacheFor(tasksDir);
  const sandbox = await createSandbox(o.sandbox, { untrusted: untrustedWork({ repo: o.repo }) });
  const work = await mkdtemp(path.join(os.tmpdir(), 'fixbench-create-'));
  try {
    const r = await createTask({
      repo: o.repo, base: o.base, fix: o.fix, issue: o.issue, id: o.id,
      setup: o.setup, test_cmd: o.testCmd ?? '', test_report: o.testReport, timeout_s: o.timeout,
      testFiles: o.testFiles?.length ? o.testFiles : DEFAULT_TEST_FILES,
      tasksDir, bundle: o.bundle, bundleName: o.bundleName, runs: o.runs, force: o.force,
      sandbox, repoCache, workDir: work, log,
    });
    process.stdout.write(
      `created ${r.dir}\n  repo: ${r.task.repo}\n  base_commit: ${r.task.base_commit}\n` +
        `  FAIL_TO_PASS (${r.task.FAIL_TO_PASS.length}):\n${r.task.FAIL_TO_PASS.map((t) => `    - ${t}\n`).join('')}` +
        `  PASS_TO_PASS (${r.task.PASS_TO_PASS.length}):\n${r.task.PASS_TO_PASS.map((t) => `    - ${t}\n`).join('')}`,
    );
    const lint = await lintTasks(tasksDir, repoCache, { ids: [r.task.instance_id], workDir: work });
    for (const p of lint.problems) log(`lint: ${formatProblem(p)}`);
    log(`next: read FAIL_TO_PASS (each must be a test the issue asks for), then run: fixbench tasks validate ${r.task.instance_id}${o.tasks ? ` --tasks ${o.tasks}` : ''}`);
    return lint.problems.length ? ExitCode.invalidInput : ExitCode.ok;
  } finally {
    await sandbox.cleanup();
    await rm(work, { recursive: true, force: true });
  }
}
