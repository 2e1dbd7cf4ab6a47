// `fixbench tasks import --swe-bench <file.jsonl>`: SWE-bench instances → task folders. Every
// problem of every instance (missing run spec, unreachable repository, missing commit, invalid
// field) is collected first; nothing is written unless all instances import.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { formatIssues, loadYamlFile } from '../config/load.ts';
import { UserInputError } from '../core/errors.ts';
import { hasCommit, type RepoCache } from '../workspace/repo-cache.ts';
import { instanceToTask, parseJsonlLenient, RepoSpecFile, repoUrl, runSpecFor, SweBenchInstance, type RunSpec, type TaskFiles } from './swe-bench.ts';
import { keepPublishedFiles, readPublishedFolders } from './swe-folder.ts';
import { writeTaskFolder } from './write.ts';

export interface ImportOptions {
  file: string;
  tasksDir: string;
  repoCache: RepoCache;
  /** Per-repo run spec file (YAML: `owner/name` or `"*"` → setup, test_cmd, test_report, timeout_s). */
  specFile?: string;
  /** Run-spec fields from flags; they win over the spec file and the instance's own `fixbench` key. */
  flags: Partial<RunSpec>;
  /** `owner/name` (or `*`) → local clone or bundle to use instead of the URL. */
  repoDirs: Map<string, string>;
  force?: boolean;
}

/**
 * Imports every instance of a SWE-bench JSONL file as `<tasksDir>/<instance_id>/`. `repo`
 * `owner/name` becomes `https://github.com/owner/name` unless `repoDirs` names a local clone or
 * bundle for it; either must hold each instance's `base_commit` (it is mirrored into the repo
 * cache now, so later runs need no network).
 * @returns the folders written, in file order.
 * @throws UserInputError listing every problem (file, line, instance, field, what to do); nothing is written then.
 */
export async function importSweBench(o: ImportOptions): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(o.file, 'utf8');
  } catch (e) {
    throw new UserInputError(`${o.file}: cannot read the SWE-bench file (${(e as NodeJS.ErrnoException).code ?? e}); check the path`, { cause: e });
  }
  // Bad lines are reported together with the problems of the good ones (all at once).
  const { rows, problems } = parseJsonlLenient(text, SweBenchInstance, o.file);
  if (!rows.length && !problems.length) throw new UserInputError(`${o.file}: no SWE-bench instances (the file is empty); write one JSON object per line`, { where: o.file });
  return importRows(rows.map((r) => ({ at: `${o.file}:${r.line}`, value: r.value })), problems, o);
}

/**
 * Imports SWE-bench task folders as published for SWE-bench Multimodal (`o.file` is one instance
 * folder or a folder of them; swe-folder.ts): like `importSweBench`, and besides, when no flag or
 * spec file gives them, `test_cmd` is the test command of the folder's eval.sh and `node` the
 * Node.js version its Dockerfile installs; a test command that drives a browser (karma, xvfb-run,
 * puppeteer, Chrome) gives `browser: chromium`. The published files fixbench does not read travel with
 * the task (`swe_bench/`, `problem_assets/`), so `tasks export --as swe-bench-tasks` gives the
 * folder back.
 * @throws UserInputError listing every problem; nothing is written then.
 */
export async function importSweBenchTasks(o: ImportOptions): Promise<string[]> {
  const { found, problems } = await readPublishedFolders(o.file);
  const rows: Row[] = [];
  for (const f of found) {
    const at = path.join(f.dir, 'task.yaml');
    const r = SweBenchInstance.safeParse(f.instance);
    if (!r.success) {
      problems.push(...formatIssues(r.error.issues).map((p) => `${at}: ${p}`));
      continue;
    }
    rows.push({ at, value: r.data, from: f.dir, defaults: f.testCmd ? { test_cmd: f.testCmd } : {}, runtime: { ...(f.node ? { node: f.node } : {}), ...(f.browser ? { browser: 'chromium' as const } : {}) } });
  }
  return importRows(rows, problems, o);
}

interface Row {
  /** Where the instance was read, for messages: `<file>:<line>` or a task.yaml path. */
  at: string;
  value: SweBenchInstance;
  /** The published folder whose other files travel with the task. */
  from?: string;
  /** Run-spec fields the published files give, below every other source. */
  defaults?: Partial<RunSpec>;
  runtime?: { node?: string; browser?: 'chromium' };
}

async function importRows(rows: Row[], problems: string[], o: ImportOptions): Promise<string[]> {
  const specs = o.specFile ? await loadYamlFile(o.specFile, RepoSpecFile, 'map each "owner/name" (or "*") to setup, test_cmd, test_report and timeout_s') : null;
  const seen = new Map<string, string>();
  for (const { at, value } of rows) {
    const prev = seen.get(value.instance_id);
    if (prev) problems.push(`${at}: instance_id "${value.instance_id}" also at ${prev}; each instance once`);
    seen.set(value.instance_id, at);
  }

  const repoField = (repo: string): string => {
    const local = o.repoDirs.get(repo) ?? o.repoDirs.get('*');
    return local ? path.resolve(local) : repoUrl(repo);
  };
  // Each repository once: mirror it, then check every base_commit.
  const byRepo = new Map<string, Row[]>();
  for (const r of rows) byRepo.set(r.value.repo, [...(byRepo.get(r.value.repo) ?? []), r]);
  const unusable = new Set<string>();
  for (const [repo, insts] of byRepo) {
    const where = repoField(repo);
    let mirror: string;
    try {
      mirror = await o.repoCache.mirror(where, { tasksDir: o.tasksDir });
    } catch (e) {
      unusable.add(repo);
      const first = (e as Error).message.split('\n').find((l) => /fatal|error|not/i.test(l)) ?? (e as Error).message.split('\n')[0];
      problems.push(
        `repo "${repo}" (${where}, used by ${insts.length} instance(s)) cannot be cloned: ${first?.trim()}; ` +
          `clone it where you have access and pass --repo-dir ${repo}=<path of the clone or a git bundle>`,
      );
      continue;
    }
    for (const { at, value } of insts) {
      if (!(await hasCommit(mirror, value.base_commit))) {
        const fetched = await o.repoCache.mirror(where, { commit: value.base_commit, tasksDir: o.tasksDir }).then(() => true, () => false);
        if (!fetched) problems.push(`${at}: base_commit ${value.base_commit} of ${value.instance_id} is not in ${where}; use a clone that holds it (--repo-dir ${repo}=<path>)`);
      }
    }
  }

  const out: { files: TaskFiles; from?: string }[] = [];
  for (const { at, value, from, defaults, runtime } of rows) {
    const { spec, missing, problems: specProblems } = runSpecFor(value, specs, o.flags, defaults);
    if (missing.length) {
      problems.push(
        `${at}: ${value.instance_id}: no ${missing.join(', ')} for repo "${value.repo}" (SWE-bench instances do not carry how to run their tests); ` +
          `pass ${missing.map((m) => `--${m.replace('_', '-')}`).join(' and ')}, or give them for "${value.repo}" in a --spec file`,
      );
      continue;
    }
    if (!spec) {
      problems.push(...specProblems.map((p) => `${at}: ${value.instance_id}: run spec: ${p}`));
      continue;
    }
    if (unusable.has(value.repo)) continue;
    try {
      out.push({ files: instanceToTask(value, spec, repoField(value.repo), runtime), from });
    } catch (e) {
      if (!(e instanceof UserInputError)) throw e;
      problems.push(`${at}: ${e.message}`);
    }
  }
  if (!o.force) {
    for (const { files: t } of out) {
      const dir = path.join(o.tasksDir, t.yaml.instance_id);
      if (existsSync(dir)) problems.push(`${dir} already exists; remove it or pass --force to replace it`);
    }
  }
  if (problems.length) throw new UserInputError(`${o.file}: nothing imported; ${problems.length} problem(s):\n${problems.join('\n')}`, { problems });
  const dirs: string[] = [];
  for (const { files, from } of out) {
    const dir = await writeTaskFolder(o.tasksDir, files, { force: o.force });
    if (from) await keepPublishedFiles(from, dir);
    dirs.push(dir);
  }
  return dirs;
}
