// SWE-bench files (https://github.com/SWE-bench/SWE-bench, the `princeton-nlp/SWE-bench` dataset
// rows and the harness's predictions JSONL): zod schemas, and the mapping between an instance and
// our task layout (DESIGN.md §2). Pure, except the JSONL readers' messages naming file and line.
import { z } from 'zod';
import { Difficulty, TaskYaml, TestReport, type TaskSpec } from '../config/task.ts';
import { formatIssues } from '../config/load.ts';
import { UserInputError } from '../core/errors.ts';
import { pytestNodeId, sweBenchKey } from '../core/swe-ids.ts';
import { isPytestTask } from '../evaluation/canary-python.ts';

/**
 * A test list as SWE-bench stores it: a JSON-encoded array of strings (the Hugging Face dataset) or
 * a plain array. Parsed to an array.
 */
const TestList = z.unknown().transform((v, ctx): string[] => {
  let list: unknown = v;
  if (typeof v === 'string') {
    try {
      list = JSON.parse(v);
    } catch {
      list = null;
    }
  }
  if (Array.isArray(list) && list.every((x) => typeof x === 'string')) return list as string[];
  ctx.addIssue({ code: 'custom', message: 'must be a list of test ids, or a string holding one as JSON (e.g. "[\\"tests/test_a.py::test_b\\"]")' });
  return z.NEVER;
});

/**
 * A test list as the Hugging Face dataset writes it: Python's `json.dumps` (`", "` between items,
 * non-ASCII characters as `\uXXXX`).
 */
export function pythonJsonList(list: readonly string[]): string {
  const str = (s: string) => JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `[${list.map(str).join(', ')}]`;
}

/** One SWE-bench task instance (a row of the dataset). Unknown fields are kept. */
export const SweBenchInstance = z
  .object({
    repo: z.string().min(1),
    instance_id: z.string().min(1),
    base_commit: z.string().regex(/^[0-9a-f]{40}$/, 'must be a full 40-hex commit sha'),
    patch: z.string(),
    test_patch: z.string(),
    problem_statement: z.string(),
    hints_text: z.string().optional(),
    created_at: z.string().optional(),
    version: z.union([z.string(), z.number()]).optional(),
    FAIL_TO_PASS: TestList,
    PASS_TO_PASS: TestList.default([]),
    environment_setup_commit: z.string().optional(),
  })
  .loose();
export type SweBenchInstance = z.output<typeof SweBenchInstance>;

/** One line of a SWE-bench predictions file. A null or empty `model_patch` is an empty patch. */
export const SweBenchPrediction = z.object({
  instance_id: z.string().min(1, 'is empty; give the instance_id of the task the patch is for'),
  model_name_or_path: z.string().min(1, 'is empty; name the model or agent that made the prediction'),
  model_patch: z.string().nullable(),
}).loose();
export type SweBenchPrediction = z.infer<typeof SweBenchPrediction>;

/** What fixbench needs to run an instance and SWE-bench does not carry (it lives in SWE-bench's own per-repo specs). */
export const RunSpec = z
  .object({
    setup: z.string().default(''),
    test_cmd: z.string().min(1),
    test_report: TaskYaml.shape.test_report,
    timeout_s: TaskYaml.shape.timeout_s,
  })
  .strict();
export type RunSpec = z.infer<typeof RunSpec>;

/** The per-repo spec file of `tasks import --spec`: `owner/name` (or `"*"` for every repo) → run spec. */
export const RepoSpecFile = z.record(z.string(), RunSpec.partial());
export type RepoSpecFile = z.infer<typeof RepoSpecFile>;

/** Our fields an export carries under the key `fixbench`, so our own tasks round-trip completely. */
export const FixbenchExtras = z
  .object({
    setup: z.string(),
    test_cmd: z.string().min(1),
    test_report: TestReport,
    timeout_s: TaskYaml.shape.timeout_s,
    difficulty: Difficulty,
    language: z.string(),
    tags: z.array(z.string()),
    ids: TaskYaml.shape.ids,
    node: TaskYaml.shape.node,
    browser: TaskYaml.shape.browser,
    strict_pass_to_pass: TaskYaml.shape.strict_pass_to_pass,
  })
  .partial();

/** SWE-bench instance fields task.yaml holds itself; every other field goes to `swe_bench`. */
const SHARED = ['repo', 'instance_id', 'base_commit', 'patch', 'test_patch', 'problem_statement', 'FAIL_TO_PASS', 'PASS_TO_PASS', 'created_at'] as const;

/**
 * Reads JSONL: one JSON object per non-blank line, each validated by `schema`.
 * @throws UserInputError naming the file, line and field of every bad line at once.
 */
export function parseJsonl<S extends z.ZodType>(text: string, schema: S, file: string, what: string): { line: number; value: z.output<S> }[] {
  const { rows, problems } = parseJsonlLenient(text, schema, file);
  if (problems.length) throw new UserInputError(`${file}: ${problems.length} problem(s) in the ${what}:\n${problems.join('\n')}`, { where: file, problems });
  if (!rows.length) throw new UserInputError(`${file}: no ${what} (the file is empty); write one JSON object per line`, { where: file });
  return rows;
}

/**
 * Reads JSONL like `parseJsonl` but returns the bad lines' problems (`<file>:<line>: <field>:
 * <message>`) beside the good rows instead of throwing, so a caller can check the good rows too
 * and report every problem of the file at once.
 */
export function parseJsonlLenient<S extends z.ZodType>(text: string, schema: S, file: string): { rows: { line: number; value: z.output<S> }[]; problems: string[] } {
  const rows: { line: number; value: z.output<S> }[] = [];
  const problems: string[] = [];
  // A byte-order mark (as Windows tools write) is not part of the first object.
  text.replace(/^\uFEFF/, '').split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch (e) {
      problems.push(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`);
      return;
    }
    const r = schema.safeParse(data);
    if (r.success) rows.push({ line: i + 1, value: r.data });
    else problems.push(...formatIssues(r.error.issues, 'json').map((p) => `${file}:${i + 1}: ${p}`));
  });
  return { rows, problems };
}

/** `https://github.com/<owner>/<name>` for SWE-bench's `owner/name`; a URL or path is kept as it is. */
export function repoUrl(repo: string): string {
  return /^[\w.-]+\/[\w.-]+$/.test(repo) && !repo.startsWith('.') ? `https://github.com/${repo}` : repo;
}

/** SWE-bench's `owner/name` back from a GitHub URL, or null. */
export function ownerName(repo: string): string | null {
  const m = /^(?:https?:\/\/|git@)github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(repo);
  return m ? `${m[1]}/${m[2]}` : null;
}

/**
 * The run spec of `inst`: `published` (what a published task folder's eval.sh says), its own
 * `fixbench` key, then the spec file's `"*"` and repo entries, then flags (each later one wins).
 */
export function runSpecFor(inst: SweBenchInstance, specFile: RepoSpecFile | null, flags: Partial<RunSpec>, published: Partial<RunSpec> = {}): { spec: RunSpec | null; missing: string[]; problems: string[] } {
  const own = FixbenchExtras.safeParse(inst.fixbench ?? {});
  const merged: Record<string, unknown> = {
    ...published,
    ...(own.success ? pick(own.data, ['setup', 'test_cmd', 'test_report', 'timeout_s']) : {}),
    ...(specFile?.['*'] ?? {}),
    ...(specFile?.[inst.repo] ?? {}),
    ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)),
  };
  const missing = (['test_cmd', 'test_report'] as const).filter((k) => merged[k] === undefined);
  if (missing.length) return { spec: null, missing, problems: [] };
  const r = RunSpec.safeParse(merged);
  return r.success ? { spec: r.data, missing: [], problems: [] } : { spec: null, missing: [], problems: formatIssues(r.error.issues) };
}

function pick<T extends object>(o: T, keys: string[]): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => keys.includes(k) && v !== undefined)) as Partial<T>;
}

/** A task folder's contents: task.yaml's fields and the three text files. */
export interface TaskFiles {
  yaml: TaskYaml;
  problem_statement: string;
  patch: string;
  test_patch: string;
}

/**
 * An instance as our task layout. `repo` is what task.yaml will name (a URL, path or bundle);
 * SWE-bench's own `repo` and every field we have no place for are kept in `swe_bench`, and
 * `created_at` too when it is not an ISO date our schema accepts. `eval_type` becomes the task's
 * own field; an instance SWE-bench wrote (no `fixbench` key) gets `ids: swe-bench`; `runtime.node`
 * (from the published Dockerfile) becomes `node`, `runtime.browser` (a test command that drives
 * a browser) `browser`. Texts are kept byte for byte.
 * @throws UserInputError (naming the instance and field) when the result is not a valid task.
 */
export function instanceToTask(inst: SweBenchInstance, spec: RunSpec, repo: string, runtime: { node?: string; browser?: 'chromium' } = {}): TaskFiles {
  const extras: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inst)) if (!(SHARED as readonly string[]).includes(k) && k !== 'fixbench' && v !== undefined) extras[k] = v;
  // SWE-bench's grading mode is a task field (graded by fixbench); an unknown value stays an extra.
  const evalType = TaskYaml.shape.eval_type.safeParse(inst.eval_type);
  if (evalType.success && evalType.data !== undefined) delete extras.eval_type;
  extras.repo = inst.repo;
  const own = FixbenchExtras.safeParse(inst.fixbench ?? {});
  const createdOk = inst.created_at !== undefined && TaskYaml.shape.created_at.safeParse(inst.created_at).success;
  if (inst.created_at !== undefined && !createdOk) extras.created_at = inst.created_at;
  const data = {
    instance_id: inst.instance_id,
    repo,
    base_commit: inst.base_commit,
    ...spec,
    FAIL_TO_PASS: inst.FAIL_TO_PASS,
    PASS_TO_PASS: inst.PASS_TO_PASS,
    ...(own.success ? pick(own.data, ['difficulty', 'language', 'tags', 'ids', 'node', 'browser', 'strict_pass_to_pass']) : {}),
    ...(createdOk ? { created_at: inst.created_at } : {}),
    ...(evalType.success && evalType.data !== undefined ? { eval_type: evalType.data } : {}),
    // SWE-bench's names are kept as it writes them; a fixbench export (with its `fixbench` key) has clean ids.
    ...(inst.fixbench === undefined ? { ids: 'swe-bench' } : {}),
    ...(runtime.node && !(own.success && own.data.node) ? { node: runtime.node } : {}),
    ...(runtime.browser && !(own.success && own.data.browser) ? { browser: runtime.browser } : {}),
    swe_bench: extras,
  };
  const r = TaskYaml.safeParse(data);
  if (!r.success) {
    throw new UserInputError(`instance ${inst.instance_id} does not make a valid task:\n${formatIssues(r.error.issues).map((p) => `  - ${p}`).join('\n')}`);
  }
  return { yaml: r.data, problem_statement: inst.problem_statement, patch: inst.patch, test_patch: inst.test_patch };
}

/**
 * A task as a SWE-bench instance, fields in the dataset's order: `repo` is the original `owner/name`
 * when imported, `owner/name` for a GitHub URL, else task.yaml's `repo`; `hints_text` defaults to
 * ''. FAIL_TO_PASS / PASS_TO_PASS are JSON strings (`lists: 'json'`, as in the Hugging Face
 * dataset, `pythonJsonList`) or arrays. Our run fields go under `fixbench` unless `withRunSpec` is false.
 */
export function taskToInstance(task: TaskSpec, opts: { lists?: 'json' | 'array'; withRunSpec?: boolean } = {}): Record<string, unknown> {
  const extras = { ...(task.swe_bench ?? {}) };
  // a pytest task's ids as SWE-bench's node ids (its pytest log parser's names); other ids as they are
  const ids = (l: string[]) => (pytestIdsRewritten(task) ? l.map(pytestNodeId) : [...l]);
  const list = (l: string[]) => (opts.lists === 'array' ? ids(l) : pythonJsonList(ids(l)));
  const origRepo = typeof extras.repo === 'string' ? extras.repo : (ownerName(task.repo) ?? task.repo);
  delete extras.repo;
  const created = extras.created_at ?? task.created_at;
  delete extras.created_at;
  const { hints_text, version, environment_setup_commit, ...rest } = extras;
  const inst: Record<string, unknown> = {
    repo: origRepo,
    instance_id: task.instance_id,
    base_commit: task.base_commit,
    patch: task.patch,
    test_patch: task.test_patch,
    problem_statement: task.problem_statement,
    hints_text: hints_text ?? '',
    ...(created !== undefined ? { created_at: created } : {}),
    ...(version !== undefined ? { version } : {}),
    FAIL_TO_PASS: list(task.FAIL_TO_PASS),
    PASS_TO_PASS: list(task.PASS_TO_PASS),
    ...(environment_setup_commit !== undefined ? { environment_setup_commit } : {}),
    ...rest,
    ...(task.eval_type !== undefined ? { eval_type: task.eval_type } : {}),
  };
  if (opts.withRunSpec !== false) {
    inst.fixbench = {
      setup: task.setup,
      test_cmd: task.test_cmd,
      test_report: task.test_report,
      timeout_s: task.timeout_s,
      ...(task.difficulty ? { difficulty: task.difficulty } : {}),
      ...(task.language ? { language: task.language } : {}),
      tags: task.tags,
      // ids rewritten to node ids above are SWE-bench's names: the import aliases them (atkF12 2)
      ...(task.ids ? { ids: task.ids } : pytestIdsRewritten(task) ? { ids: 'swe-bench' } : {}),
      ...(task.node ? { node: task.node } : {}),
      ...(task.browser ? { browser: task.browser } : {}),
      ...(task.strict_pass_to_pass ? { strict_pass_to_pass: task.strict_pass_to_pass } : {}),
    };
  }
  return inst;
}

/**
 * Whether `taskToInstance` writes `task`'s pytest ids as SWE-bench node ids and marks them `ids:
 * swe-bench`: a pytest task with a listed id `pytestNodeId` changes, and every listed id reads back
 * as itself through `sweBenchKey` (what the import's aliasing applies to each). An id that would
 * read back as another (`test_x[a  > b]` → `test_x[a > b]`: another test, atkG12 1) keeps the
 * whole task's ids as they are, unmarked.
 */
function pytestIdsRewritten(task: TaskSpec): boolean {
  const ids = [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS];
  return isPytestTask(task) && ids.some((id) => pytestNodeId(id) !== id) && ids.every((id) => sweBenchKey(pytestNodeId(id)) === id);
}
