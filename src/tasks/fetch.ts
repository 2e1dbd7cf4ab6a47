// `fixbench tasks fetch`: builds the tasks of a suite file (recipes) on this machine, each with the
// same code as `tasks create` (planCreate → buildTask → saveTask), from the recipe's public URL or
// from a local mirror of it.
import { statementLeak } from './statement-leak.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserInputError } from '../core/errors.ts';
import { buildTask, CreateRejected, saveTask, type CreateOptions, type CreateResult } from './create.ts';
import { DEFAULT_TEST_FILES } from '../evaluation/protected-rule.ts';
import type { Recipe, SuiteFile } from './recipe.ts';
import { ownerName } from './swe-bench.ts';

export interface FetchOutcome {
  instance_id: string;
  /** `created`, `exists` (folder present, not rebuilt without force), or `failed`. */
  status: 'created' | 'exists' | 'failed';
  /** Where the repository was cloned from. */
  source: string;
  /** Why it failed (first line), or null. */
  error: string | null;
  /** Wall time building it, milliseconds. */
  wall_ms: number;
  result: CreateResult | null;
}

/**
 * Where to clone `r` from: `mirrors[owner/name]` (a path or URL), else the first of
 * `<dir>/<owner>+<name>/repo`, `<dir>/<owner>+<name>`, `<dir>/<owner>/<name>` that exists under a
 * `mirrorDirs` folder, else the recipe's `repo` itself.
 */
export function recipeSource(r: Recipe, o: { mirrors?: Record<string, string>; mirrorDirs?: readonly string[] }): string {
  const on = r.upstream ?? ownerName(r.repo);
  if (on && o.mirrors?.[on]) return o.mirrors[on];
  if (on) {
    const [owner, name] = on.split('/') as [string, string];
    for (const dir of o.mirrorDirs ?? []) {
      for (const p of [path.join(dir, `${owner}+${name}`, 'repo'), path.join(dir, `${owner}+${name}`), path.join(dir, owner, name)]) {
        if (existsSync(p)) return path.resolve(p);
      }
    }
  }
  return r.repo;
}

export type FetchCommon = Pick<CreateOptions, 'tasksDir' | 'sandbox' | 'repoCache' | 'envCache' | 'workDir' | 'force' | 'log'>;

/**
 * Builds every recipe of `suite` (or only `ids`) into `tasksDir`, one after another; a recipe that
 * fails does not stop the others. The bundle is named after the repository (`<name>.bundle`), the
 * upstream recorded as `swe_bench.repo`.
 * @throws UserInputError for an unknown id.
 */
export async function fetchSuite(suite: SuiteFile, o: FetchCommon & { ids?: string[]; mirrors?: Record<string, string>; mirrorDirs?: readonly string[]; onDone?: (f: FetchOutcome) => void }): Promise<FetchOutcome[]> {
  const unknown = (o.ids ?? []).filter((id) => !suite.tasks.some((t) => t.instance_id === id));
  if (unknown.length) throw new UserInputError(`unknown instance_id(s) ${unknown.join(', ')}; the suite lists ${suite.tasks.map((t) => t.instance_id).join(', ')}`);
  const out: FetchOutcome[] = [];
  for (const r of suite.tasks.filter((t) => !o.ids?.length || o.ids.includes(t.instance_id))) {
    const t0 = Date.now();
    const source = recipeSource(r, o);
    const done = (f: Omit<FetchOutcome, 'instance_id' | 'source' | 'wall_ms'>) => {
      const full = { instance_id: r.instance_id, source, wall_ms: Date.now() - t0, ...f };
      out.push(full);
      o.onDone?.(full);
    };
    if (!o.force && existsSync(path.join(o.tasksDir, r.instance_id))) {
      done({ status: 'exists', error: null, result: null });
      continue;
    }
    const upstream = r.upstream ?? ownerName(r.repo) ?? undefined;
    const copts: CreateOptions = {
      ...o, repo: source, base: r.base_commit, fix: r.fix_commit, id: r.instance_id, runs: 1,
      setup: r.setup, test_cmd: r.test_cmd, test_report: r.test_report, timeout_s: r.timeout_s, testFiles: r.test_files ?? DEFAULT_TEST_FILES,
      bundle: true, bundleName: (upstream ?? r.instance_id).split('/').at(-1)!.replace(/\.git$/, ''), ...(upstream ? { upstream } : {}),
    };
    try {
      const built = await buildTask(copts);
      const leak = statementLeak(built.files.problem_statement, built.files.patch);
      if (leak) throw new UserInputError(`${r.instance_id}: ${leak}; point the recipe at a fix commit whose message describes the problem without the diff, or build the task with "tasks create" and write its problem_statement.md`);
      done({ status: 'created', error: null, result: await saveTask(copts, built) });
    } catch (e) {
      if (!(e instanceof UserInputError || e instanceof CreateRejected)) throw e;
      // The first line, and the first listed problem when the first line only introduces a list.
      const lines = e.message.split('\n');
      done({ status: 'failed', error: lines[0]!.endsWith(':') && lines[1] ? `${lines[0]} ${lines[1].trim()}` : lines[0]!, result: null });
    }
  }
  return out;
}
