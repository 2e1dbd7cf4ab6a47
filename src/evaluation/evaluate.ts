// Evaluation of one model patch (DESIGN.md §6 steps 1–6): fresh checkout, setup, model patch,
// test-file protection, test.patch, test run, parsing, grading → one outcome.
import { realpath } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TaskSpec } from '../config/task.ts';
import { InfraError } from '../core/errors.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { createWorkspace } from '../workspace/checkout.ts';
import type { RepoCache } from '../workspace/repo-cache.ts';
import { runSetup } from '../workspace/setup.ts';
import { taskRuntimeExecOptions } from '../workspace/node-runtime.ts';
import type { EnvCache } from '../workspace/env-cache.ts';
import type { Workspace } from '../workspace/types.ts';
import { truncateText } from '../core/truncate.ts';
import { applyPatch } from './apply-patch.ts';
import { failedTestsStatus, grade } from './grade.ts';
import { dropImageOnlyBinaryEntries } from './image-entries.ts';
import { guardRun, judgeRun, noteNodeTestReport, packageJsonBeforePatch } from './integrity.ts';
import { normalizePatch } from './normalize-patch.ts';
import { dropUnsafeEntries, entryPaths, splitEntries } from './unsafe-entries.ts';
import { dropEntriesThroughCheckoutLinks } from './checkout-links.ts';
import { appliedPathViolations, ignoredAfterSetup } from './applied-paths.ts';
import { prepareRunner, readRunnerResults } from './runner-run.ts';
import { strictResolved } from './strict.ts';
import { aliasFileNames, aliasFullNames } from './runners/index.ts';
import { carryMeta, exitCodeResults, parseReportText, REPORT_LABEL, reportKind, type TestResults } from './parse/index.ts';
import { dropProtectedEntries, loadProtection, restoreProtected, testFilesOf, testPatchFiles } from './protected-files.ts';
import { pathInside, readReportFile, removeStaleReport } from './report-file.ts';
import type { EvaluationResult, TestsStatus } from './types.ts';
import { writeTestAssets } from './test-assets.ts';
import { evidence, evidenceChanged, lockedTestPaths } from './test-lock.ts';
import { aliasSweBenchNames, listedPytestFiles } from '../core/swe-ids.ts';
import { diffFiles } from './diff-files.ts';
import { namedIdsOf, unswapResults } from './canary-swap.ts';
import { readChannelFiles, type ChannelFiles } from './channel-files.ts';
import { namesElsewhere, valuesAtBase, wordsAtBase } from './canary-elsewhere.ts';
import { baseTextOf, filesAtBase } from './canary-listed-hosts.ts';
import { patchSizeProblem } from './patch-size.ts';
import { describe, NO_VERDICT, testOutput } from './eval-text.ts';

export { REPORT_MAX_BYTES } from './report-file.ts';

/** Cap on `test_output` kept for logs: 1 MiB of characters (head and tail). */
export const TEST_OUTPUT_CAP_CHARS = 1024 * 1024;

export interface EvaluateOptions {
  task: TaskSpec;
  /** The patch to grade (unified diff); empty or whitespace-only → `empty_patch`. */
  modelPatch: string;
  sandbox: Sandbox;
  repoCache: RepoCache;
  /** Folder under which the evaluation's workspace is made (and removed). */
  workDir: string;
  /** Run the tests even for an empty patch (the `noop` reference agent: checks that no task resolves without a fix). Default false: an empty patch is `empty_patch`, never run. */
  gradeEmptyPatch?: boolean;
  /** Characters of test output and report text kept in `test_output`, head and tail (default `TEST_OUTPUT_CAP_CHARS`; RunConfig `limits.test_output_chars`). */
  testOutputChars?: number;
  /** Limit on `setup`, milliseconds (default: `runSetup`'s). */
  setupTimeoutMs?: number;
  /** Environment cache for `setup` (DESIGN.md §4); none = setup runs every time. */
  envCache?: EnvCache;
  /**
   * Add the canary tests and the second result channel (default true; DESIGN.md §11 rule 3).
   * False only in fixbench's own tests of other grading faults and in bench/ (their cost); such
   * a result is marked `unprotected`.
   */
  canaries?: boolean;
  /**
   * The run-time visible check of a live cascade (src/runner/visible-check.ts), not a grade:
   * test.patch is not applied (its files stay protected), so no hidden test runs. The caller passes
   * the task with FAIL_TO_PASS emptied: `resolved` then means every PASS_TO_PASS test passed.
   */
  visibleOnly?: boolean;
  /**
   * Remove the workspace before returning (default true). False only for a caller that removes
   * `workDir` itself afterwards (the runner's attempt folder): the removal then leaves the test
   * slot and the attempt's path to its record. Nothing runs in the workspace after the tests.
   */
  removeWorkspace?: boolean;
  /**
   * Awaited right before the test command starts (the runner's removal of the agent's workspace,
   * which thus overlaps the checkout and the patching, never the tests). A rejection is the
   * harness's fault: `infra_error` with its message, and the tests do not run.
   */
  beforeTests?: () => Promise<void>;
  /** Called once the test command has ended (whatever its outcome), before its results are read: the runner's `Stage.leaveTests`. Never called when the tests did not run. */
  afterTests?: () => void;
  /**
   * The run's test pool (a p-limit): a non-empty `setup` and the test command each run inside one of
   * its slots, taken after `beforeTests`; the rest of the grading (patching, protection, canaries,
   * fingerprints, reading the report) runs outside it, beside other attempts' tests. Absent = at once.
   */
  testSlot?: <T>(run: () => Promise<T>) => Promise<T>;
  /**
   * The checkout this evaluation grades in, already being made by `startCheckout(task, repoCache,
   * workDir)` (so it overlaps the caller's work, e.g. the patch extraction). Used instead of making
   * one; its rejection is the harness's fault, as the evaluation's own checkout failing. Absent =
   * the checkout is made here. An evaluation that returns before the checkout (empty patch, no
   * diff) leaves it to the caller's `workDir` removal (awaited first: see `startCheckout`).
   */
  checkout?: Promise<Workspace>;
}

/**
 * Starts the fresh checkout `evaluate` grades in (`createWorkspace` of `task.repo` at `base_commit`
 * under `workDir`, bundles looked up beside `task.dir`). The returned promise is marked handled (a
 * rejection surfaces where `evaluate` awaits it); the caller awaits it, settled either way, before
 * removing `workDir`, so no removal races the copy.
 */
export function startCheckout(task: TaskSpec, repoCache: RepoCache, workDir: string): Promise<Workspace> {
  const made = createWorkspace({ repoCache, repo: task.repo, baseCommit: task.base_commit, parentDir: workDir, tasksDir: dirname(task.dir) });
  made.catch(() => undefined);
  return made;
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
 * 2. checkout at `base_commit` + `setup`; entries meeting a symlink the checkout holds (a path
 *    through it, a change written through it: `dropEntriesThroughCheckoutLinks`) are dropped and
 *    counted in `unsafe_entries_dropped` too (none left → `empty_patch`); apply the rest
 *    (`applyPatch`; its notes head `apply_log`) — none applies → `patch_failed`;
 * 3. protected files (protected-files.ts: test files by the task's globs and test.patch, runner
 *    configurations, the runner keys and test scripts of package.json, lock files, installed and
 *    ignored paths): the patch's entries naming them are dropped before step 2 applies it, and
 *    whatever still differs from `base_commit` after it is restored; both are listed in
 *    `protected_files_edited` (test files also in `test_files_edited`). A patch left with no
 *    entry is `empty_patch`. Then the backstop (`appliedPathViolations`): a file the apply touched
 *    that is protected, or a path it named that now leads through a link or out of the checkout,
 *    → `tampered` (the patch's doing, counted as the model's failure; the tests do not run).
 *    Then test.patch is applied with `git apply` (failure, or an entry of it dropped as unsafe →
 *    `infra_error`: the harness's fault);
 *    then append the canary tests and plan the second result channel (`guardRun`; a task read
 *    by exit code gets neither and is marked `unprotected`);
 * 4. delete any stale report file (one the patch planted), run `test_cmd` in the sandbox with
 *    `timeout_s` (expiry → `timeout`, the process group killed), its test files, runner files and
 *    helpers locked (test-lock.ts: read-only in bwrap, hashed around the run: a change → `tampered`);
 * 5. parse the report (`junit:`, `vitest-json:`, `jest-json:`, `mocha-json:<path>` read from the
 *    file as bytes without following links and decoded once as UTF-8; `tap` on stdout; or
 *    `exit-code`; ANSI escapes stripped first); a missing, symlinked, oversized or unreadable
 *    report is no verdict (docs/decisions.md#the-no-verdict-rule: `unresolved` with `error`);
 *    swapped canary pairs' ids are exchanged back in both channels first (canary-swap.ts);
 * 6. judge the evidence (`judgeRun`): canaries not as they must be, channels that disagree, or exit 0
 *    with the failing canary failed → `tampered`; canaries then leave `parsed` for `canaries`;
 * 7. `resolved` / `unresolved` by `grade` (no verdict → `unresolved` with `error`).
 * `visible_check` = the patch applied and every PASS_TO_PASS test passed.
 * Never throws: harness faults (git, setup, sandbox, report) become `infra_error` with `error`.
 * The workspace is removed (unless `removeWorkspace` is false: the caller's `workDir` removal does it).
 */
export async function evaluate(opts: EvaluateOptions): Promise<EvaluationResult> {
  const { task, modelPatch, sandbox } = opts;
  const cap = opts.testOutputChars ?? TEST_OUTPUT_CAP_CHARS;
  const slot = opts.testSlot ?? (<T>(run: () => Promise<T>) => run());
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
  const tooLarge = safe && patchSizeProblem(safe.patch); // a flood of files or folders: the model's fault
  if (tooLarge) return { ...result, outcome: 'patch_failed', error: tooLarge };
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
    ws = await (opts.checkout ?? startCheckout(task, opts.repoCache, opts.workDir));
    const setup = () => runSetup(ws!, task, sandbox, {
      ...(opts.setupTimeoutMs === undefined ? {} : { timeoutMs: opts.setupTimeoutMs }),
      ...(opts.envCache ? { envCache: opts.envCache } : {}),
    });
    await (task.setup.trim() ? slot(setup) : setup()); // an empty setup runs nothing: no slot

    // All read the tree before the patch (independent reads, so at once).
    const [protection, basePackageJson, linked, ignoredBefore] = await Promise.all([
      loadProtection(ws, task, safe?.patch ?? ''),
      packageJsonBeforePatch(ws.dir), // the canaries' decisions: never from the patched tree
      empty ? null : dropEntriesThroughCheckoutLinks(ws.dir, safe!.patch), // links the checkout already holds
      empty ? new Set<string>() : ignoredAfterSetup(ws), // the backstop's baseline
    ]);
    if (linked?.unsafeEntriesDropped) {
      result.unsafe_entries_dropped! += linked.unsafeEntriesDropped;
      result.apply_log = [result.apply_log, ...linked.notes.map((n) => `unsafe entry: ${n}`)].filter(Boolean).join('\n');
      if (linked.patch === '') {
        if (!opts.gradeEmptyPatch) return { ...result, outcome: 'empty_patch', error: `every entry of the patch meets a symlink of the checkout (${linked.unsafeEntriesDropped} dropped): nothing to apply` };
        empty = true;
      }
    }
    const kept = empty ? null : dropProtectedEntries(linked!.patch, protection.rule);
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
    // The backstop: where every file the apply touched really is (the model's doing, so `tampered`, never infra_error).
    const beyond = empty ? [] : await appliedPathViolations(ws, protection, splitEntries(kept!.patch).flatMap(entryPaths), ignoredBefore);
    if (beyond.length) return { ...result, outcome: 'tampered', error: `the applied patch changed what its entries may not (checked before the tests): ${beyond.join('; ')}` };
    if (task.test_patch.trim() !== '' && !opts.visibleOnly) {
      const images = dropImageOnlyBinaryEntries(task.test_patch);
      if (images.notes.length) result.apply_log = [result.apply_log, ...images.notes].filter(Boolean).join('\n');
      // A test.patch of image entries only leaves nothing to apply: the tests run as they are (as in SWE-bench).
      const tp = images.patch.trim() === '' ? { ok: true, log: '', unsafeEntriesDropped: 0 } : await applyPatch(ws, images.patch, { strategies: ['git apply'] });
      if (!tp.ok || tp.unsafeEntriesDropped) throw new InfraError(`test.patch of ${task.instance_id} ${tp.ok ? 'lost entries that leave the work tree or meet a symlink' : 'did not apply'} after the model patch:\n${tp.log}`);
      // SWE-bench's test assets (the image fixtures those dropped entries stand for), as its eval script copies them.
      const assets = await writeTestAssets(task.dir, ws.dir);
      if (assets.length) result.apply_log = [result.apply_log, ...assets].filter(Boolean).join('\n');
    }

    const report = reportKind(task.test_report);
    const runner = report.kind === 'runner' ? await prepareRunner(ws.dir, task, report.runner) : null;
    const reportPath = report.kind === 'tap' || report.kind === 'exit-code' || report.kind === 'runner' ? null : pathInside(ws.dir, report.path);
    if (reportPath) await removeStaleReport(ws.dir, reportPath);
    const guard = await guardRun(ws.dir, task, report, opts.canaries ?? true, basePackageJson, namesElsewhere(ws, ws.baseCommit), wordsAtBase(ws, ws.baseCommit), valuesAtBase(ws, ws.baseCommit), { files: filesAtBase(ws, ws.baseCommit), text: baseTextOf(ws, protection.base) });
    result.unprotected = guard.unprotected;
    if (guard.tampered) return { ...result, outcome: 'tampered', error: guard.tampered };

    // The evidence held still: test files, canary hosts, runner configurations and helpers locked (read-only in bwrap), fingerprinted around the run; no protected file planted.
    const locked = lockedTestPaths(protection, [...(runner?.runs ?? []).flatMap((r) => (r.helper ? [r.helper.path] : [])), ...(guard.plan?.texts.keys() ?? [])]);
    const before = await evidence(ws.dir, locked, protection);
    await opts.beforeTests?.();
    const execOpts = { cwd: ws.dir, timeoutMs: task.timeout_s * 1000, lockedPaths: locked, ...(await taskRuntimeExecOptions(task)) };
    const run = await slot(() => sandbox.exec(runner?.plan.cmd ?? guard.cmd, execOpts));
    opts.afterTests?.();
    result.test_ms = Math.round(run.durationMs);
    result.test_output = testOutput(runner?.plan.cmd ?? task.test_cmd, run, cap);
    const moved = evidenceChanged(before, await evidence(ws.dir, locked, protection), protection);
    if (moved) return { ...result, outcome: 'tampered', error: moved };
    if (run.timedOut) {
      return { ...result, outcome: 'timeout', error: `test command exceeded timeout_s=${task.timeout_s}; its process group was killed` };
    }

    // No verdict with the model's patch applied is the model's failure, never infra_error: docs/decisions.md#the-no-verdict-rule.
    const noVerdict = (why: string): EvaluationResult => ({ ...result, outcome: 'unresolved', tests_status: failedTestsStatus(task), error: `${NO_VERDICT}${why}` });
    const status = String(run.exitCode ?? run.signal);
    let parsed: TestResults;
    let fullNames: Map<string, string[]> | null = null;
    try {
      if (runner) {
        const r = await readRunnerResults(ws.dir, runner, run.stdout, status, [...new Set([ws.dir, await realpath(ws.dir)])], cap);
        result.test_output += r.log;
        parsed = r.results;
        fullNames = r.fullNames;
      } else if (report.kind === 'tap') {
        noteNodeTestReport(guard, 'tap', run.stdout); // node:test known from its own report (atkU15 #1)
        parsed = parseReportText('tap', run.stdout, { tapLeaves: guard.tapLeaves });
      } else if (report.kind !== 'exit-code' && report.kind !== 'runner') {
        const text = await readReportFile(ws.dir, report.path, REPORT_LABEL[report.kind], status);
        noteNodeTestReport(guard, report.kind, text);
        // The report holds the failure messages the console output lacks: keep it in the log.
        result.test_output += `--- ${report.path} ---\n${truncateText(text, cap)}`;
        // Jest/vitest/mocha name test files by absolute path (as the runner saw the workspace); pytest by dotted module path (listed and test.patch files settle dotted folders).
        parsed = parseReportText(report.kind, text, { roots: [...new Set([ws.dir, await realpath(ws.dir)])], pytestFiles: [...listedPytestFiles([...task.FAIL_TO_PASS, ...task.PASS_TO_PASS]), ...testPatchFiles(task.test_patch)] });
      } else parsed = exitCodeResults(task.test_cmd, run.exitCode);
    } catch (err) {
      return noVerdict(describe(err));
    }
    const swaps = guard.plan?.swaps ?? []; // swapped canary pairs back under their own titles before anything reads a result (canary-swap.ts)
    const namedIds = guard.plan ? namedIdsOf(guard.plan, parsed) : false;
    parsed = unswapResults(swaps, parsed, namedIds);
    // first in the log, so a reader of a resolved run's output knows why the test's own title failed there (newcomer13 #4)
    if (swaps.length) result.test_output = `--- fixbench: canary pairs ran swapped (the mutant under the test's title; each result read back under its own): ${swaps.map((x) => `${x.file}: ${JSON.stringify(x.a)} ⇄ ${JSON.stringify(x.b)}`).join('; ')}\n${result.test_output}`;
    // `ids: swe-bench`: each listed name also answers under its own spelling (trailing blanks kept).
    const listed = [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS];
    if (task.ids === 'swe-bench') parsed = carryMeta(parsed, aliasSweBenchNames(parsed, listed));
    // jasmine / karma: a listed full spec name (SWE-bench's name) answers with that spec's result.
    if (fullNames?.size) parsed = aliasFullNames(parsed, listed, fullNames);
    // A listed test file (SWE-bench's file-level names, e.g. react-pdf's jest) answers with its tests' result.
    parsed = aliasFileNames(parsed, listed);
    // Zero results or a signal is no verdict whatever else the run shows (rules 2–3).
    if (parsed.size === 0 || run.exitCode === null) return noVerdict(grade(task, parsed, run.exitCode).error!);
    let extra: ChannelFiles;
    try {
      extra = await readChannelFiles(ws.dir, guard, status, (r) => unswapResults(swaps, r, namedIds), task.ids === 'swe-bench' ? listed : null);
    } catch (err) {
      return { ...result, outcome: 'tampered', parsed: Object.fromEntries(parsed), error: `the second result channel cannot be read: ${describe(err)}` };
    }
    const verdict = judgeRun(guard, task, parsed, extra.second, run.exitCode, extra.account);
    Object.assign(result, { parsed: Object.fromEntries(verdict.rest), canaries: verdict.canaries, channels: verdict.channels });
    // first in the log, as the swaps' line: why a listed test the results show passing reads ERROR
    if (verdict.notes.length) result.test_output = verdict.notes.map((n) => `--- fixbench: ${n}\n`).join('') + result.test_output;
    if (verdict.tampered) return { ...result, outcome: 'tampered', error: verdict.tampered };
    if (verdict.noVerdict) return noVerdict(verdict.noVerdict);

    const g = grade(task, verdict.rest, run.exitCode, guard.plan ? 1 : 0, verdict.silentFiles);
    result.tests_status = g.tests_status;
    if (g.error) return { ...noVerdict(g.error), tests_status: g.tests_status };
    // A listed test that is not in the results at all is failed, and named: often a typo in task.yaml.
    // Under `eval_type: fail_only` a missing test is expected (it passes, unless its file did not
    // provably run: grade.ts `unrunFileStatus`), so it is not named.
    const absent = task.eval_type === 'fail_only' ? [] : listed.filter((id) => !verdict.rest.has(id));
    const error = absent.length
      ? `${absent.length} listed test(s) not in the test results: ${absent.slice(0, 5).map((id) => JSON.stringify(id)).join(', ')}${absent.length > 5 ? ', …' : ''}`
      : null;
    return { ...result, outcome: g.resolved ? 'resolved' : 'unresolved', visible_check: g.visible_check_p2p, error, ...strictResolved(task, g.resolved, verdict.rest) };
  } catch (err) {
    return { ...result, outcome: 'infra_error', visible_check: false, error: describe(err) };
  } finally {
    if (opts.removeWorkspace ?? true) await ws?.cleanup().catch(() => undefined);
  }
}
