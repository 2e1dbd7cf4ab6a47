// Evaluation of one model patch (DESIGN.md §6 steps 1–6): fresh checkout, setup, model patch,
// test-file protection, test.patch, test run, parsing, grading → one outcome.
import { constants, open, lstat, realpath, rm } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { TaskSpec } from '../config/task.ts';
import { InfraError } from '../core/errors.ts';
import type { Sandbox, ExecResult } from '../sandbox/types.ts';
import { createWorkspace } from '../workspace/checkout.ts';
import type { RepoCache } from '../workspace/repo-cache.ts';
import { runSetup } from '../workspace/setup.ts';
import type { EnvCache } from '../workspace/env-cache.ts';
import type { Workspace } from '../workspace/types.ts';
import { applyPatch } from './apply-patch.ts';
import { grade } from './grade.ts';
import { normalizePatch } from './normalize-patch.ts';
import { dropUnsafeEntries } from './unsafe-entries.ts';
import {
  exitCodeResults,
  parseJestJson,
  parseJunit,
  parseMochaJson,
  parseTap,
  reportKind,
  type ReportFileKind,
  type ReportParseOptions,
  type TestResults,
} from './parse/index.ts';
import { dropProtectedEntries, loadProtection, restoreProtected, testFilesOf } from './protected-files.ts';
import { diffFiles } from './diff-files.ts';
import type { EvaluationResult, TestsStatus } from './types.ts';

/** Cap on `test_output` kept for logs: 1 MiB of characters (head and tail). */
export const TEST_OUTPUT_CAP_CHARS = 1024 * 1024;

/** Largest report file read, bytes (64 MiB): a bigger one is no verdict, never read into memory. */
export const REPORT_MAX_BYTES = 64 * 1024 * 1024;

/** Parser of each report file kind: text decoded once from the file's bytes → per-test results. */
const FILE_PARSERS: Record<ReportFileKind, (text: string, opts: ReportParseOptions) => TestResults> = {
  junit: (text) => parseJunit(text),
  'vitest-json': parseJestJson,
  'jest-json': parseJestJson,
  'mocha-json': parseMochaJson,
};

/** Names of the report file kinds in messages. */
const REPORT_LABEL: Record<ReportFileKind, string> = { junit: 'JUnit', 'vitest-json': 'vitest JSON', 'jest-json': 'Jest JSON', 'mocha-json': 'mocha JSON' };

export interface EvaluateOptions {
  task: TaskSpec;
  /** The patch to grade (unified diff); empty or whitespace-only → `empty_patch`. */
  modelPatch: string;
  sandbox: Sandbox;
  repoCache: RepoCache;
  /** Folder under which the evaluation's workspace is made (and removed). */
  workDir: string;
  /**
   * Run the tests even for an empty patch (the `noop` reference agent: checks that no task
   * resolves without a fix). Default false: an empty patch is `empty_patch`, never run.
   */
  gradeEmptyPatch?: boolean;
  /** Limit on `setup`, milliseconds (default: `runSetup`'s). */
  setupTimeoutMs?: number;
  /** Environment cache for `setup` (DESIGN.md §4); none = setup runs every time. */
  envCache?: EnvCache;
}

/**
 * Evaluates `modelPatch` on `task` in a fresh workspace:
 * 1. empty/whitespace patch → `empty_patch` (nothing runs); otherwise the patch is normalised
 *    (`normalizePatch`: prose and fences removed, binary entries dropped and counted in
 *    `binary_hunks_dropped`, bytes otherwise kept), then entries that would leave the work tree
 *    (`.git` in any case, `..`, absolute paths, symlinks leading out) are dropped and counted in
 *    `unsafe_entries_dropped` (`dropUnsafeEntries`), before any application strategy sees them.
 *    A text with no diff in it → `patch_failed`; one whose every entry was dropped →
 *    `empty_patch` (both with `error` saying so);
 * 2. checkout at `base_commit` + `setup`; apply the normalised patch (`applyPatch`; its notes
 *    head `apply_log`) — none applies → `patch_failed`;
 * 3. protected files (protected-files.ts: test files by the task's globs and test.patch, runner
 *    configurations, the runner keys and test scripts of package.json, lock files, installed and
 *    ignored paths): the patch's entries naming them are dropped before step 2 applies it, and
 *    whatever still differs from `base_commit` after it is restored; both are listed in
 *    `protected_files_edited` (test files also in `test_files_edited`). A patch left with no
 *    entry is `empty_patch`. Then test.patch is applied with `git apply` (failure → `infra_error`:
 *    the harness's fault);
 * 4. delete any stale report file (one the patch planted), run `test_cmd` in the sandbox with
 *    `timeout_s` (expiry → `timeout`, the process group killed);
 * 5. parse the report (`junit:`, `vitest-json:`, `jest-json:`, `mocha-json:<path>` read from the
 *    file as bytes and decoded once as UTF-8; `tap` on stdout; or `exit-code`); a missing,
 *    oversized or unreadable report, zero parsed tests, or a non-zero exit with no failing test
 *    is no verdict: `unresolved` with `error` set (the patch broke the test run; validated tasks
 *    give a verdict with gold);
 * 6. `resolved` / `unresolved` by `grade`.
 * `visible_check` = the patch applied and every PASS_TO_PASS test passed.
 * Never throws: harness faults (git, setup, sandbox, report) become `infra_error` with `error`.
 * The workspace is always removed.
 */
export async function evaluate(opts: EvaluateOptions): Promise<EvaluationResult> {
  const { task, modelPatch, sandbox } = opts;
  const result: EvaluationResult = {
    outcome: 'infra_error',
    tests_status: null,
    apply_strategy: null,
    test_files_edited: [],
    protected_files_edited: [],
    visible_check: false,
    test_ms: 0,
    test_output: '',
    parsed: {},
    error: null,
  };
  let empty = modelPatch.trim() === '';
  if (empty && !opts.gradeEmptyPatch) return { ...result, outcome: 'empty_patch' };
  const normalized = empty ? null : normalizePatch(modelPatch);
  const safe = normalized ? dropUnsafeEntries(normalized.patch) : null;
  if (normalized && safe) {
    result.binary_hunks_dropped = normalized.binaryHunksDropped;
    result.unsafe_entries_dropped = safe.unsafeEntriesDropped;
    const notes = [...normalized.notes.map((n) => `normalised: ${n}`), ...safe.notes.map((n) => `unsafe entry: ${n}`)];
    if (notes.length) result.apply_log = notes.join('\n');
    if (safe.patch === '') {
      if (normalized.binaryHunksDropped === 0 && safe.unsafeEntriesDropped === 0) {
        return { ...result, outcome: 'patch_failed', error: 'the patch holds no unified diff (no "diff --git" or "---"/"+++" file header)' };
      }
      const nothing = safe.unsafeEntriesDropped === 0
        ? `the patch changes only binary files (${normalized.binaryHunksDropped} dropped): nothing to apply`
        : `the patch changes only paths outside the workspace or binary files (${safe.unsafeEntriesDropped} leaving the workspace, ${normalized.binaryHunksDropped} binary dropped): nothing to apply`;
      if (!opts.gradeEmptyPatch) return { ...result, outcome: 'empty_patch', error: nothing };
      empty = true;
    }
  }

  let ws: Workspace | null = null;
  try {
    ws = await createWorkspace({
      repoCache: opts.repoCache,
      repo: task.repo,
      baseCommit: task.base_commit,
      parentDir: opts.workDir,
      tasksDir: dirname(task.dir),
    });
    await runSetup(ws, task, sandbox, {
      ...(opts.setupTimeoutMs === undefined ? {} : { timeoutMs: opts.setupTimeoutMs }),
      ...(opts.envCache ? { envCache: opts.envCache } : {}),
    });

    const protection = await loadProtection(ws, task, safe?.patch ?? '');
    const kept = empty ? null : dropProtectedEntries(safe!.patch, protection.rule);
    if (kept?.dropped.length) {
      result.protected_files_edited = kept.dropped;
      result.test_files_edited = testFilesOf(protection, kept.dropped);
      const note = `protected: dropped the patch's entries for ${kept.dropped.join(', ')} (files that decide how tests run stay at base_commit)`;
      result.apply_log = result.apply_log ? `${result.apply_log}\n${note}` : note;
      if (kept.patch === '') {
        const why = `every file the patch changes is protected (${kept.dropped.join(', ')}): nothing left to apply`;
        if (!opts.gradeEmptyPatch) return { ...result, outcome: 'empty_patch', error: why };
        empty = true;
      }
    }
    if (empty) result.apply_log = [result.apply_log, 'empty patch: nothing applied (graded as the base commit plus test.patch)'].filter(Boolean).join('\n');
    else {
      const applied = await applyPatch(ws, kept!.patch);
      result.apply_log = result.apply_log ? `${result.apply_log}\n${applied.log}` : applied.log;
      if (!applied.ok) return { ...result, outcome: 'patch_failed' };
      result.apply_strategy = applied.strategy;
    }

    const named = diffFiles(safe?.patch ?? '').flatMap((f) => [f.oldPath, f.newPath]).filter((x): x is string => x !== null);
    const restored = await restoreProtected(ws, protection, named);
    result.protected_files_edited = [...new Set([...result.protected_files_edited!, ...restored])].sort();
    result.test_files_edited = testFilesOf(protection, result.protected_files_edited);
    if (task.test_patch.trim() !== '') {
      const tp = await applyPatch(ws, task.test_patch, { strategies: ['git apply'] });
      if (!tp.ok) throw new InfraError(`test.patch of ${task.instance_id} did not apply after the model patch:\n${tp.log}`);
    }

    const report = reportKind(task.test_report);
    const reportPath = report.kind === 'tap' || report.kind === 'exit-code' ? null : await reportFile(ws.dir, report.path);
    if (reportPath) await removeStaleReport(ws.dir, reportPath);

    const run = await sandbox.exec(task.test_cmd, { cwd: ws.dir, timeoutMs: task.timeout_s * 1000 });
    result.test_ms = Math.round(run.durationMs);
    result.test_output = testOutput(task.test_cmd, run);
    if (run.timedOut) {
      return { ...result, outcome: 'timeout', error: `test command exceeded timeout_s=${task.timeout_s}; its process group was killed` };
    }

    // The tests ran with the model's patch applied. If they then give no verdict (no report, an
    // unreadable one, zero tests, or a failing exit with no failing test), the patch broke the test
    // run: validation guarantees that base + gold + test.patch does produce one. That is the
    // model's failure (`unresolved`, with `error` saying why), never a pass and never an
    // `infra_error` that would excuse it and invite endless re-runs.
    const noVerdict = (why: string): EvaluationResult => ({
      ...result,
      outcome: 'unresolved',
      tests_status: failedTestsStatus(task),
      error: `no test verdict with this patch: ${why}`,
    });
    let parsed: TestResults;
    try {
      if (report.kind === 'tap') parsed = parseTap(run.stdout);
      else if (report.kind !== 'exit-code') {
        const text = await readReport(ws.dir, reportPath!, REPORT_LABEL[report.kind], report.path, run);
        // The report holds the failure messages the console output lacks: keep it in the log.
        result.test_output += `--- ${report.path} ---\n${text.length > TEST_OUTPUT_CAP_CHARS ? `${text.slice(0, TEST_OUTPUT_CAP_CHARS)}\n[... cut ...]\n` : text}`;
        // Jest/vitest/mocha name test files by absolute path: as the runner saw the workspace.
        const roots = [...new Set([ws.dir, await realpath(ws.dir)])];
        parsed = FILE_PARSERS[report.kind](text, { roots });
      }
      else parsed = exitCodeResults(task.test_cmd, run.exitCode);
    } catch (err) {
      return noVerdict(describe(err));
    }
    result.parsed = Object.fromEntries(parsed);

    const g = grade(task, parsed, run.exitCode);
    result.tests_status = g.tests_status;
    if (g.error) return { ...noVerdict(g.error), tests_status: g.tests_status };
    // A listed test that is not in the results at all is failed, and named: often a typo in task.yaml.
    const absent = [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS].filter((id) => !parsed.has(id));
    const error = absent.length
      ? `${absent.length} listed test(s) not in the test results: ${absent.slice(0, 5).map((id) => JSON.stringify(id)).join(', ')}${absent.length > 5 ? ', …' : ''}`
      : null;
    return { ...result, outcome: g.resolved ? 'resolved' : 'unresolved', visible_check: g.visible_check_p2p, error };
  } catch (err) {
    return { ...result, outcome: 'infra_error', visible_check: false, error: describe(err) };
  } finally {
    await ws?.cleanup().catch(() => undefined);
  }
}

/** Absolute path of the report inside the workspace; throws when it would escape it. */
async function reportFile(dir: string, path: string): Promise<string> {
  const abs = resolve(dir, path);
  const rel = relative(dir, abs);
  if (isAbsolute(path) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new InfraError(`test_report path ${JSON.stringify(path)} must be relative and inside the repository`);
  }
  return abs;
}

/**
 * Removes a report file left in the workspace before the test run (one the model's patch planted),
 * so that only a report the test command writes is read. Nothing is removed when the path's
 * folder resolves outside the workspace (a planted symlink): the file is then refused when read.
 */
async function removeStaleReport(dir: string, abs: string): Promise<void> {
  const parent = await realpath(dirname(abs)).catch(() => null);
  if (parent === null) return; // no such folder: no stale file either
  const rel = relative(await realpath(dir), parent);
  if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return;
  await rm(abs, { recursive: true, force: true });
}

/**
 * Reads the report file the test command wrote: a regular file (not a symlink) inside the
 * workspace, at most `REPORT_MAX_BYTES`. Its bytes are decoded once, as a whole, as UTF-8 with
 * replacement characters (a byte-order mark dropped), so no character is ever split.
 */
async function readReport(dir: string, abs: string, label: string, path: string, run: ExecResult): Promise<string> {
  const what = `${label} report ${path}`;
  const st = await lstat(abs).catch(() => null);
  if (!st) {
    throw new InfraError(`the test command wrote no ${label} report at ${path} (exit code ${run.exitCode ?? run.signal})`);
  }
  const real = await realpath(abs);
  const rel = relative(await realpath(dir), real);
  if (!st.isFile() || rel.startsWith('..') || isAbsolute(rel)) {
    throw new InfraError(`${what} is not a regular file inside the workspace`);
  }
  const fh = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const tooBig = (n: number): InfraError => new InfraError(`${what} is ${n} bytes, over the ${REPORT_MAX_BYTES}-byte limit`);
    const size = (await fh.stat()).size;
    if (size > REPORT_MAX_BYTES) throw tooBig(size);
    const bytes = await fh.readFile();
    if (bytes.length > REPORT_MAX_BYTES) throw tooBig(bytes.length);
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  } finally {
    await fh.close();
  }
}

/** `$ cmd`, stdout, stderr and the exit status, cut to head and tail past `TEST_OUTPUT_CAP_CHARS`. */
function testOutput(cmd: string, run: ExecResult): string {
  const status = run.timedOut ? 'timed out' : `exit ${run.exitCode ?? run.signal}`;
  const text = `$ ${cmd}\n${run.stdout}${run.stderr ? `\n--- stderr ---\n${run.stderr}` : ''}\n--- ${status}${run.truncated ? ', output truncated' : ''} ---\n`;
  if (text.length <= TEST_OUTPUT_CAP_CHARS) return text;
  const half = TEST_OUTPUT_CAP_CHARS / 2;
  return `${text.slice(0, half)}\n[... ${text.length - 2 * half} characters elided ...]\n${text.slice(-half)}`;
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`;
  return String(err);
}

/** Every listed test counted as failed (the tests gave no verdict). */
function failedTestsStatus(task: TaskSpec): TestsStatus {
  return {
    FAIL_TO_PASS: { success: [], failure: [...task.FAIL_TO_PASS] },
    PASS_TO_PASS: { success: [], failure: [...task.PASS_TO_PASS] },
  };
}
