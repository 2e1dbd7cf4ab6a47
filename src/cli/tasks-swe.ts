// `fixbench tasks import --swe-bench` and `fixbench tasks export`: SWE-bench JSONL ↔ task folders.
import { commandPrefix, shellWord } from './hints.ts';
import { userPath } from './user-path.ts';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSandbox } from '../sandbox/index.ts';
import type { SandboxChoice } from '../sandbox/types.ts';
import { computePassToPass } from '../tasks/compute-p2p.ts';
import { EnvCache, defaultCacheDir } from '../workspace/env-cache.ts';
import { untrustedWork } from './trust.ts';
import { ExitCode, UserInputError } from '../core/errors.ts';
import { importSweBench, importSweBenchTasks } from '../tasks/import.ts';
import { writePublishedFolder } from '../tasks/swe-folder.ts';
import { loadTasks } from '../tasks/load.ts';
import { taskToInstance, type RunSpec } from '../tasks/swe-bench.ts';
import { defaultTasksDir, writeTasksDir } from './common.ts';
import { repoCacheFor } from './tasks-check.ts';

export interface ImportCliOptions {
  sweBench?: string;
  sweBenchTasks?: string;
  tasks?: string;
  spec?: string;
  setup?: string;
  testCmd?: string;
  testReport?: string;
  timeout?: number;
  repoDir?: string[];
  force?: boolean;
  /** `--compute-pass-to-pass`: one gold run per imported task fills `strict_pass_to_pass`. */
  computePassToPass?: boolean;
  sandbox?: SandboxChoice;
}

/** `--repo-dir owner/name=path` (or a bare path, for every repository) → map. @throws UserInputError for an empty part. */
export function parseRepoDirs(values: string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const eq = v.indexOf('=');
    const [repo, dir] = eq < 0 ? ['*', v] : [v.slice(0, eq), v.slice(eq + 1)];
    if (!repo || !dir) throw new UserInputError(`--repo-dir ${v}: write owner/name=<path of a clone or bundle>, or just <path> for every repository`);
    out.set(repo, dir);
  }
  return out;
}

/** Runs `fixbench tasks import`. @throws UserInputError listing every problem; nothing is written then. */
export async function tasksImportCommand(o: ImportCliOptions): Promise<number> {
  const tasksDir = writeTasksDir(o.tasks, 'tasks import');
  const flags: Partial<RunSpec> = { setup: o.setup, test_cmd: o.testCmd, test_report: o.testReport, timeout_s: o.timeout };
  const source = o.sweBench ?? o.sweBenchTasks;
  if (!source || (o.sweBench && o.sweBenchTasks)) {
    throw new UserInputError('tasks import: give one of --swe-bench <file.jsonl> (SWE-bench instances) or --swe-bench-tasks <folder> (published task folders)');
  }
  const dirs = await (o.sweBench ? importSweBench : importSweBenchTasks)({
    file: path.resolve(source),
    tasksDir,
    repoCache: repoCacheFor(tasksDir),
    specFile: o.spec,
    flags,
    repoDirs: parseRepoDirs(o.repoDir),
    force: o.force,
  });
  for (const d of dirs) process.stdout.write(`${d}\n`);
  process.stderr.write(`imported ${dirs.length} task(s) into ${tasksDir}; check them with: ${commandPrefix()} tasks validate${o.tasks ? ` --tasks ${shellWord(userPath(o.tasks))}` : ''}\n`);
  if (!o.computePassToPass) return ExitCode.ok;
  const ids = dirs.map((d) => path.basename(d));
  const sandbox = await createSandbox(o.sandbox ?? 'auto', { untrusted: untrustedWork({ tasksDir, taskIds: ids }) });
  const work = await mkdtemp(path.join(os.tmpdir(), 'fixbench-p2p-'));
  try {
    process.stderr.write(`computing PASS_TO_PASS: gold once per task, sandbox ${sandbox.kind}\n`);
    const done = await computePassToPass(ids, {
      tasksDir, repoCache: repoCacheFor(tasksDir), sandbox, workDir: work, envCache: new EnvCache(defaultCacheDir()),
      log: (l) => process.stderr.write(`${l}\n`),
    });
    const failed = done.filter((r) => !('strict_pass_to_pass' in r));
    if (!failed.length) return ExitCode.ok;
    process.stderr.write(`gold did not resolve ${failed.length} task(s) (${failed.map((r) => r.instance_id).join(', ')}): they were imported without strict_pass_to_pass; see why with: fixbench tasks validate ${failed.map((r) => r.instance_id).join(' ')}\n`);
    return ExitCode.gateFailed;
  } finally {
    await sandbox.cleanup();
    await rm(work, { recursive: true, force: true });
  }
}

export interface ExportCliOptions {
  tasks?: string;
  out?: string;
  lists: 'json' | 'array';
  runSpec: boolean;
  as: 'instances' | 'gold-predictions' | 'swe-bench-tasks';
}

/** Runs `fixbench tasks export`: one JSON object per task and line, to `--out` or stdout. */
export async function tasksExportCommand(ids: string[], o: ExportCliOptions): Promise<number> {
  const tasks = await loadTasks(defaultTasksDir(o.tasks), ids);
  if (o.as === 'swe-bench-tasks') {
    if (!o.out) throw new UserInputError('tasks export --as swe-bench-tasks: give --out <dir>, the folder to write one task folder per instance into');
    for (const t of tasks) process.stdout.write(`${await writePublishedFolder(path.resolve(o.out), t, taskToInstance(t, { lists: 'array', withRunSpec: false }))}\n`);
    process.stderr.write(`wrote ${tasks.length} SWE-bench task folder(s) to ${o.out}\n`);
    return ExitCode.ok;
  }
  const rows = tasks.map((t) =>
    o.as === 'gold-predictions'
      ? { instance_id: t.instance_id, model_name_or_path: 'gold', model_patch: t.patch }
      : taskToInstance(t, { lists: o.lists, withRunSpec: o.runSpec }),
  );
  const text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  if (o.out) {
    await mkdir(path.dirname(path.resolve(o.out)), { recursive: true });
    await writeFile(o.out, text);
    process.stderr.write(`wrote ${rows.length} ${o.as === 'gold-predictions' ? 'prediction(s)' : 'instance(s)'} to ${o.out}\n`);
  } else process.stdout.write(text);
  return ExitCode.ok;
}
