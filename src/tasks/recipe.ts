// Task recipes (suite files): public tasks as instructions, never as vendored code. A recipe names a
// public repository by URL, a base and a fix commit, the setup and the plain test command; `tasks
// fetch` clones the repository on the user's machine and builds the task with `tasks create`'s code.
// No patch text, no problem statement text, no test lists: all of that is derived where it is built.
import { z } from 'zod';
import { TaskYaml, TestReport } from '../config/task.ts';
import { loadYamlFile } from '../config/load.ts';
import { UserInputError } from '../core/errors.ts';

const Sha = z.string().regex(/^[0-9a-f]{40}$/, 'must be a full commit sha: 40 lowercase hex characters');

/** Figures measured when the recipe was checked (informative; `tasks fetch` does not read them). */
export const RecipeChecked = z
  .object({
    /** Date of the check, ISO. */
    on: z.string(),
    /** Wall time of `tasks fetch` building the task (setup and the two test runs), seconds. */
    build_s: z.number(),
    /** `tasks validate --runs 3` result, e.g. "3/3". */
    validate: z.string(),
    /** Resolved rates of the reference agents, percent. */
    gold: z.number(),
    noop: z.number(),
    fail_to_pass: z.number().int(),
    pass_to_pass: z.number().int(),
  })
  .strict();

export const Recipe = z
  .object({
    instance_id: TaskYaml.shape.instance_id,
    /** The public repository: a git URL (`https://github.com/owner/name`). */
    repo: z.string().min(1),
    /** `owner/name` for SWE-bench export; default from a GitHub `repo` URL. */
    upstream: z.string().regex(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/, 'must be owner/name').optional(),
    /** SPDX id of the repository's licence (the task is built from it on the user's machine). */
    license: z.string().min(1),
    base_commit: Sha,
    /** The commit holding the fix and its tests; its parent is usually base_commit. */
    fix_commit: Sha,
    setup: z.string().default(''),
    test_cmd: z.string().min(1),
    test_report: TestReport,
    timeout_s: TaskYaml.shape.timeout_s,
    test_files: z.array(z.string().min(1)).min(1).optional(),
    /** Where the problem is described (an issue or pull request URL), for a reader; the task's statement is the fix commit's message. */
    issue_url: z.string().url().optional(),
    checked: RecipeChecked.optional(),
  })
  .strict();
export type Recipe = z.infer<typeof Recipe>;

/** A suite file (`recipes/*.yaml`). */
export const SuiteFile = z
  .object({
    format_version: z.literal(1),
    /** What the suite is, for a reader. */
    description: z.string().optional(),
    tasks: z.array(Recipe).min(1, 'list at least one task recipe'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.tasks.forEach((t, i) => {
      if (seen.has(t.instance_id)) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'instance_id'], message: `"${t.instance_id}" is listed twice` });
      seen.add(t.instance_id);
      if (t.base_commit === t.fix_commit) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'fix_commit'], message: 'equals base_commit; give the commit that holds the fix' });
    });
  });
export type SuiteFile = z.infer<typeof SuiteFile>;

/** Reads and validates a suite file (YAML or JSON). @throws UserInputError naming the file and every bad field. */
export async function loadSuiteFile(file: string): Promise<SuiteFile> {
  try {
    return await loadYamlFile(file, SuiteFile, 'see recipes/README.md for the fields of a suite file');
  } catch (e) {
    if (e instanceof UserInputError) throw e;
    throw new UserInputError(`${file}: cannot read the suite file (${(e as Error).message})`);
  }
}
