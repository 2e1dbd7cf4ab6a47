// `fixbench tasks import --swe-bench <file.jsonl>`: SWE-bench instances → task folders. Every
// problem of every instance (missing run spec, unreachable repository, missing commit, invalid
// field) is collected first; nothing is written unless all instances import.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadYamlFile } from '../config/load.ts';
import { UserInputError } from '../core/errors.ts';
import { hasCommit, type RepoCache } from '../workspace/repo-cache.ts';
import { instanceToTask, parseJsonlLenient, RepoSpecFile, repoUrl, runSpecFor, SweBenchInstance, type RunSpec, type TaskFiles } from './swe-bench.ts';
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
  const specs = o.specFile ? await loadYamlFile(o.specFile, RepoSpecFile, 'map each "owner/name" (or "*") to setup, test_cmd, test_report and timeout_s') : null;
  const seen = new Map<string, number>();
  for (const { line, value } of rows) {
    const prev = seen.get(value.instance_id);
    if (prev) problems.push(`${o.file}:${line}: instance_id "${value.instance_id}" also on line ${prev}; each instance once`);
    seen.set(value.instance_id, line);
  }

  const repoField = (repo: string): string => {
    const local = o.repoDirs.get(repo) ?? o.repoDirs.get('*');
    return local ? path.resolve(local) : repoUrl(repo);
  };
  // Each repository once: mirror it, then check every base_commit.
  const byRepo = new Map<string, { line: number; value: SweBenchInstance }[]>();
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
    for (const { line, value } of insts) {
      if (!(await hasCommit(mirror, value.base_commit))) {
        const fetched = await o.repoCache.mirror(where, { commit: value.base_commit, tasksDir: o.tasksDir }).then(() => true, () => false);
        if (!fetched) problems.push(`${o.file}:${line}: base_commit ${value.base_commit} of ${value.instance_id} is not in ${where}; use a clone that holds it (--repo-dir ${repo}=<path>)`);
      }
    }
  }

  const out: TaskFiles[] = [];
  for (const { line, value } of rows) {
    const { spec, missing, problems: specProblems } = runSpecFor(value, specs, o.flags);
    if (missing.length) {
      problems.push(
        `${o.file}:${line}: ${value.instance_id}: no ${missing.join(', ')} for repo "${value.repo}" (SWE-bench instances do not carry how to run their tests); ` +
          `pass ${missing.map((m) => `--${m.replace('_', '-')}`).join(' and ')}, or give them for "${value.repo}" in a --spec file`,
      );
      continue;
    }
    if (!spec) {
      problems.push(...specProblems.map((p) => `${o.file}:${line}: ${value.instance_id}: run spec: ${p}`));
      continue;
    }
    if (unusable.has(value.repo)) continue;
    try {
      out.push(instanceToTask(value, spec, repoField(value.repo)));
    } catch (e) {
      if (!(e instanceof UserInputError)) throw e;
      problems.push(`${o.file}:${line}: ${e.message}`);
    }
  }
  if (!o.force) {
    for (const t of out) {
      const dir = path.join(o.tasksDir, t.yaml.instance_id);
      if (existsSync(dir)) problems.push(`${dir} already exists; remove it or pass --force to replace it`);
    }
  }
  if (problems.length) throw new UserInputError(`${o.file}: nothing imported; ${problems.length} problem(s):\n${problems.join('\n')}`, { problems });
  const dirs: string[] = [];
  for (const t of out) dirs.push(await writeTaskFolder(o.tasksDir, t, { force: o.force }));
  return dirs;
}
