// `fixbench tasks lint` (DESIGN.md §2): every structural problem of every task folder at once, each
// naming its file and field. Structure only: no test runs (that is `tasks validate`).
import { taskStatementLeak } from './statement-leak.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chromiumProblem } from '../workspace/browser.ts';
import { isPrintableId, normalizeTestId } from '../core/test-id.ts';
import { sweBenchKey } from '../core/swe-ids.ts';
import { parseDocument } from 'yaml';
import { TaskYaml, type TaskSpec } from '../config/task.ts';
import { formatIssues, knownKeys } from '../config/load.ts';
import { UserInputError } from '../core/errors.ts';
import { canaryHosts, inferRunner, planCanaries, runnerOfFile } from '../evaluation/canary.ts';
import { knownFailToPassWarning } from './lint-known-f2p.ts';
import { isPytestTask, planPythonCanaries, pytestSelectionProblem, pythonCanaryHosts } from '../evaluation/canary-python.ts';
import { diffFiles } from '../evaluation/diff-files.ts';
import { planSecondChannel, readsNodeTestTap, reporterApartFromTests } from '../evaluation/channels.ts';
import { reportKind } from '../evaluation/parse/report-kind.ts';
import { committedLinkWarnings, goldProtectedProblems } from './lint-protected.ts';
import type { RepoCache } from '../workspace/repo-cache.ts';
import { findTaskFolders } from './folders.ts';
import { scanProblemAssets } from './problem-assets.ts';
import { checkRepoAndCommit, preflightTask } from './preflight.ts';

/** One problem: the file it is in, the field (or null for the whole file) and what is wrong and what to do. */
export interface LintProblem {
  instance_id: string;
  file: string;
  field: string | null;
  message: string;
  /**
   * Set on the warning naming test files test.patch creates that are weakly protected (a single
   * test, or tests whose canary copies a patch can tell apart): its message is the one advice for
   * them, printed by `tasks lint` and `tasks create` and repeated by `tasks validate` when the gold
   * runs find the task weak.
   */
  weak?: true;
}

export interface LintResult {
  /** Folders linted, in name order. */
  checked: string[];
  /** Tasks that loaded (their structure may still have problems found later, e.g. a patch that does not apply). */
  tasks: TaskSpec[];
  problems: LintProblem[];
  /**
   * Not errors (the task still runs) but weaknesses: a task graded without canary tests, so its
   * results are not tamper-evident (DESIGN.md §11 rule 3; `canaryWarnings`).
   */
  warnings: LintProblem[];
}

/** `file: field: message`, the one-line form of a problem. */
export const formatProblem = (p: LintProblem): string => `${p.file}: ${p.field ? `${p.field}: ` : ''}${p.message}`;

const FILES = {
  'task.yaml': 'metadata (see tasks/README.md)',
  'problem_statement.md': 'the issue, as a user would file it',
  'gold.patch': 'the reference fix, a unified diff (git diff)',
  'test.patch': 'the hidden tests, a unified diff (git diff)',
} as const;

/**
 * Checks one task folder's structure: the four files present and non-empty; task.yaml valid YAML
 * and valid against `TaskYaml` (every failing field, FAIL_TO_PASS non-empty among them);
 * `instance_id` equal to the folder name; both patches unified diffs; gold.patch and test.patch
 * touching disjoint files; gold.patch changing no protected file (`protected_files`, see
 * lint-protected.ts); every test id well formed (`file > describe > … > title`: no empty
 * part, no blank at either end, no control character; under `ids: swe-bench` the blanks SWE-bench
 * keeps around a name's parts are allowed, `sweBenchKey`); problem_assets/ sound
 * (`scanProblemAssets`: regular files with safe names, each at most 5 MiB, image names holding
 * images, every file task.yaml's `problem_assets` declares present).
 * @returns the loaded task (null when a file or field is unusable) and every problem found.
 */
export async function lintTaskFiles(dir: string): Promise<{ task: TaskSpec | null; problems: LintProblem[]; repoRef: { repo: string; base_commit: string } | null }> {
  const id = path.basename(dir);
  const problems: LintProblem[] = [];
  const add = (file: string, field: string | null, message: string) => problems.push({ instance_id: id, file: path.join(dir, file), field, message });
  const texts: Partial<Record<keyof typeof FILES, string>> = {};
  for (const [name, what] of Object.entries(FILES) as [keyof typeof FILES, string][]) {
    const text = await readFile(path.join(dir, name), 'utf8').catch(() => null);
    if (text === null) add(name, null, `missing; add ${what}`);
    else if (text.trim() === '') add(name, null, `empty; write ${what}`);
    else texts[name] = text;
  }

  let yaml: TaskYaml | null = null;
  // repo and base_commit when both are well formed, so they can be checked even if other fields are not.
  let repoRef: { repo: string; base_commit: string } | null = null;
  if (texts['task.yaml'] !== undefined) {
    const doc = parseDocument(texts['task.yaml'], { prettyErrors: true });
    if (doc.errors.length) {
      const pos = doc.errors[0]!.linePos?.[0];
      add('task.yaml', null, `not valid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${doc.errors[0]!.message.split('\n')[0]}`);
    } else {
      let data: unknown = null;
      try {
        data = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        add('task.yaml', null, `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
      }
      const parsed = TaskYaml.safeParse(data);
      if (parsed.success) yaml = parsed.data;
      else {
        const lines = formatIssues(parsed.error.issues, 'yaml', knownKeys(TaskYaml));
        for (const [k, issue] of parsed.error.issues.entries()) {
          // formatIssues gives `<field>: <message>` (`(top level)` for the whole file)
          const field = issue.path.length ? issue.path.map(String).join('.') : null;
          const line = lines[k]!;
          add('task.yaml', field, line.slice((field ?? '(top level)').length + 2));
        }
      }
      // A browser the host cannot give fails every run of the task: said here, before any test runs.
      const noBrowser = yaml?.browser ? chromiumProblem() : null;
      if (noBrowser) add('task.yaml', 'browser', noBrowser);
      // Fields checked on their own so that one bad field does not hide another.
      const raw = (data ?? {}) as Record<string, unknown>;
      if (typeof raw.repo === 'string' && raw.repo.trim() && typeof raw.base_commit === 'string' && /^[0-9a-f]{40}$/.test(raw.base_commit)) {
        repoRef = { repo: raw.repo, base_commit: raw.base_commit };
      }
      if (typeof raw.instance_id === 'string' && raw.instance_id !== id) {
        add('task.yaml', 'instance_id', `"${raw.instance_id}" differs from its folder name "${id}"; rename one so they match`);
      }
      for (const key of ['FAIL_TO_PASS', 'PASS_TO_PASS'] as const) {
        const list = raw[key];
        if (!Array.isArray(list)) continue;
        list.forEach((t, i) => {
          if (typeof t !== 'string') return;
          // `ids: swe-bench`: names as SWE-bench writes them (blanks kept); their fixbench id must be clean.
          const why = testIdProblem(raw.ids === 'swe-bench' ? sweBenchKey(t) : t);
          if (why) add('task.yaml', `${key}.${i}`, `${JSON.stringify(t)} ${why}`);
        });
      }
    }
  }

  const touched: Record<string, Set<string>> = {};
  for (const name of ['gold.patch', 'test.patch'] as const) {
    const text = texts[name];
    if (text === undefined) continue;
    const files = /^diff --git |^--- .*\n\+\+\+ .*\n@@ /m.test(text) ? diffFiles(text) : [];
    if (!files.length) add(name, null, 'not a unified diff (no "diff --git" or "---/+++/@@" header); write it with git diff');
    touched[name] = new Set(files.flatMap((f) => [f.oldPath, f.newPath]).filter((p): p is string => p !== null));
  }
  if (touched['gold.patch'] && touched['test.patch']) {
    const both = [...touched['gold.patch']].filter((f) => touched['test.patch']!.has(f));
    if (both.length) add('gold.patch', null, `touches test file(s) that test.patch also changes: ${both.join(', ')}; gold.patch holds source files only`);
  }
  if (yaml && touched['gold.patch']) {
    const shared = touched['test.patch'] ?? new Set<string>(); // reported above
    const gold = [...touched['gold.patch']].filter((f) => !shared.has(f));
    for (const p of goldProtectedProblems(yaml, gold, [...shared])) add('gold.patch', 'protected_files', p);
  }

  // problem_assets/: safe names, regular files, size cap, images by their bytes, declared files present.
  const assets = await scanProblemAssets({ dir, ...(yaml ? { problem_assets: yaml.problem_assets, swe_bench: yaml.swe_bench } : {}) });
  for (const p of assets.problems) problems.push({ instance_id: id, ...p });

  const ok = yaml && !problems.length;
  const task: TaskSpec | null = ok
    ? { ...yaml!, dir: path.resolve(dir), problem_statement: texts['problem_statement.md']!, patch: texts['gold.patch']!, test_patch: texts['test.patch']! }
    : null;
  return { task, problems, repoRef };
}

/** Why `id` is not a well-formed full test id (`file > describe > … > title`), or null. */
export function testIdProblem(id: string): string | null {
  if (id !== id.trim()) return 'has a blank at its start or end; copy the id exactly as the test report gives it';
  if (!isPrintableId(id)) return `holds a control character (an ANSI code, tab, NUL, newline, …) or an invisible one; ids are printable text: fixbench reads it as ${JSON.stringify(normalizeTestId(id))}, write that (the form tasks create writes)`;
  const parts = id.split(' > ');
  if (parts.some((p) => p.trim() === '')) return 'has an empty part between " > " separators; ids are "file > describe > … > title"';
  return null;
}

/**
 * Lints every task under `tasksDir` (or `ids`): `lintTaskFiles`, then — for tasks whose files are
 * sound — that `repo` resolves, `base_commit` is in it, and both patches apply there (`preflightTask`).
 * @throws UserInputError only for an unreadable tasks folder or unknown ids.
 */
export async function lintTasks(tasksDir: string, repoCache: RepoCache, opts: { ids?: string[]; workDir: string }): Promise<LintResult> {
  const checked = (await findTaskFolders(tasksDir, opts.ids)).folders;
  const problems: LintProblem[] = [];
  const warnings: LintProblem[] = [];
  const tasks: TaskSpec[] = [];
  for (const f of checked) {
    const { task, problems: found, repoRef } = await lintTaskFiles(path.join(tasksDir, f));
    problems.push(...found);
    if (!task) {
      // The rest of the folder is unsound, but repo and base_commit can still be checked.
      if (repoRef) problems.push(...(await checkRepoAndCommit({ dir: path.resolve(tasksDir, f), ...repoRef }, repoCache)).map((p) => ({ instance_id: f, ...p })));
      continue;
    }
    const repoProblems = await preflightTask(task, repoCache, opts.workDir);
    problems.push(...repoProblems.map((p) => ({ instance_id: f, ...p })));
    warnings.push(...canaryWarnings(task));
    if (!repoProblems.length) for (const message of await committedLinkWarnings(task, repoCache)) warnings.push({ instance_id: task.instance_id, file: path.join(task.dir, 'task.yaml'), field: 'repo', message });
    const leak = taskStatementLeak(task);
    if (leak) warnings.push({ instance_id: task.instance_id, file: path.join(task.dir, 'problem_statement.md'), field: null, message: leak });
    const knownFailing = knownFailToPassWarning(task);
    if (knownFailing) warnings.push({ instance_id: task.instance_id, file: path.join(task.dir, 'test.patch'), field: null, message: knownFailing });
    tasks.push(task);
  }
  return { checked, tasks, problems, warnings };
}

/**
 * Why `task`'s grading runs cannot carry canary tests, as warnings: `test_report: exit-code` (no
 * per-test results: the results are marked unprotected; the fix is a per-test report), a
 * `test.patch` with no JS/TS file (pytest: no `test_*.py`/`*_test.py` file, or a `test_cmd` that would
 * not run canaries: canary-python.ts `pytestSelectionProblem`) to hold them, or a runner fixbench does not write canaries for
 * (judged from `test_cmd`/`test_report` and the imports test.patch adds; a `npm test` command is
 * resolved at run time); a node:test command that runs the test files in its reporter's process (channels.ts
 * `reporterApartFromTests`: no verdict); and a node:test command read by JUnit or TAP that no second
 * channel can be added to (channels.ts `planSecondChannel`: a parent test's own failure would not show in JUnit).
 */
export function canaryWarnings(task: TaskSpec): LintProblem[] {
  const at = (field: string, message: string): LintProblem => ({ instance_id: task.instance_id, file: path.join(task.dir, 'task.yaml'), field, message });
  if (task.test_report === 'exit-code') {
    return [at('test_report', 'exit-code: graded without canary tests, so its results are unprotected (not tamper-evident); give the task a per-test report (test_report: auto or a runner name, or junit:, tap, vitest-json:, jest-json:, mocha-json:)')];
  }
  if (isPytestTask(task)) {
    const why = pythonCanaryHosts(task.test_patch).length === 0 ? null : pytestSelectionProblem(task.test_cmd);
    if (why) return [at('test_cmd', `${why}: its results are unprotected`)];
    if (pythonCanaryHosts(task.test_patch).length) {
      const created = createdFiles(task.test_patch, pythonCanaryHosts(task.test_patch));
      const plan = created.size ? planPythonCanaries(task.test_cmd, created, task) : null;
      if (plan && !('unprotected' in plan) && plan.weak.length) {
        return [{ ...at('test_patch', `${plan.weak.join(', ')} hold(s) a single test, or tests whose canary copies a patch can tell from them (a one-word name such as \`test_add\` leaves its copy no word of the file's other names to take: \`test_add_2\`): weakly protected; give the tests names that share words in the same places (\`test_pads_short_values\`, \`test_keeps_long_values\`, \`test_pads_long_strings\`)`), file: path.join(task.dir, 'test.patch'), field: null, weak: true }];
      }
      return [];
    }
    return [{ ...at('test_patch', 'touches no pytest test file (test_*.py, *_test.py), so no canary test can be added: its results are unprotected'), file: path.join(task.dir, 'test.patch'), field: null }];
  }
  if (canaryHosts(task.test_patch).length === 0) {
    return [{ ...at('test_patch', 'touches no JS/TS test file, so no canary test can be added: its results are unprotected'), file: path.join(task.dir, 'test.patch'), field: null }];
  }
  if (!/\b(?:npm|yarn|pnpm)\b/.test(task.test_cmd) && inferRunner(task, null) === null && runnerOfFile(task.test_patch) === null) {
    return [at('test_cmd', 'runs no test runner fixbench writes canaries for (node --test, mocha, vitest, jest, jasmine, karma): its results are unprotected')];
  }
  const out: LintProblem[] = [];
  const report = task.test_report === 'tap' || task.test_report.startsWith('junit:') ? reportKind(task.test_report) : null;
  if (report && readsNodeTestTap(task.test_cmd) && !reporterApartFromTests(task.test_cmd)) {
    out.push(at('test_cmd', 'runs the test files in node\'s reporter process (node without --test, or --test-isolation=none): the code under test can rewrite that report, so no patch gets a verdict; write one `node --test …` (e.g. `node --test --test-reporter=tap test/a.test.js`), which runs each test file apart from the reporter and gets a second report'));
  } else if (report && readsNodeTestTap(task.test_cmd) && !planSecondChannel(task.test_cmd, report, '/')) { // whether one can be added: where it goes does not matter here
    out.push(at('test_cmd', 'runs node --test in a way fixbench cannot add its second report to (more than one `node --test`, a flag with a separate value before `--test`, or a reporter without its own --test-reporter-destination): node\'s JUnit report cannot show a failure in a parent test\'s own body or a file-level hook, and a second channel is what would; write one `node --test` with `--test-reporter=junit --test-reporter-destination=<file>` (or TAP to stdout)'));
  }
  // Files test.patch creates are known whole here: one holding a single test is weakly protected.
  const created = createdFiles(task.test_patch, canaryHosts(task.test_patch));
  const plan = created.size ? planCanaries(inferRunner(task, null), created, null, task) : null;
  // the runner known, every host created by test.patch (known whole) and none can hold a canary: the runs will be unprotected
  if (plan && 'unprotected' in plan && inferRunner(task, null) && created.size === canaryHosts(task.test_patch).length) return [...out, { ...at('test_patch', `no canary test can be added (${plan.unprotected}): its results are unprotected`), file: path.join(task.dir, 'test.patch'), field: null }];
  if (plan && !('unprotected' in plan) && plan.weak.length) {
    return [...out, { ...at('test_patch', `${plan.weak.join(', ')} hold(s) a single test, or tests whose canary copies a patch can tell from them (no word of its titles fills the same grammatical slot in another title as a different word does: \`pads\` → \`pads 2\`): weakly protected; add tests whose titles share words in the same places (\`pads short values\`, \`keeps long values\`, \`pads long strings\`)`), file: path.join(task.dir, 'test.patch'), field: null, weak: true }];
  }
  return out;
}

/** The files among `hosts` that `testPatch` creates, with their whole text (they are known whole from the patch alone). */
function createdFiles(testPatch: string, hosts: readonly string[]): Map<string, string> {
  const created = new Map<string, string>();
  for (const chunk of testPatch.split(/^(?=diff --git )/m)) {
    const file = /^\+\+\+ b\/(.+)$/m.exec(chunk)?.[1];
    if (!file || !/^new file mode/m.test(chunk) || !hosts.includes(file)) continue;
    created.set(file, chunk.slice(chunk.search(/^@@/m)).split('\n').filter((l) => l.startsWith('+')).map((l) => l.slice(1)).join('\n'));
  }
  return created;
}
