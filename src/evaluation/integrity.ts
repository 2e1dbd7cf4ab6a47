// Tamper evidence of one test run (DESIGN.md §11 rule 3), around `test_cmd`: before it, the
// canaries are appended and a second result channel planned; after it, the canaries, the two
// channels and the exit code must agree with the results, or the attempt is `tampered`.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TaskSpec } from '../config/task.ts';
import { canaryHosts, checkCanaries, inferRunner, planCanaries, tailOfTest, writeCanaries, type CanaryPlan, type CanaryResults, type CanaryRunner } from './canary.ts';
import { isCanaryResult } from './canary-check.ts';
import { isPytestTask, planPythonCanaries, pythonCanaryHosts } from './canary-python.ts';
import { jsTitles, literalWords, pythonNames, valueCandidates, type NamesElsewhere, type ValuesAtBase, type WordsAtBase } from './canary-elsewhere.ts';
import { documentedOdds, valueText } from './canary-odds.ts';
import { workspaceSeenByCommand } from '../sandbox/roots.ts';
import { listedHosts, type BaseText, type FilesAtBase } from './canary-listed-hosts.ts';
import { compareChannels, planSecondChannel, readsNodeTestTap, reporterApartFromTests, type SecondChannel } from './channels.ts';
import { judgeProcesses } from './process-account.ts';
import type { ChannelFiles } from './channel-files.ts';
import { ID_SEPARATOR, type ReportKind, type TestResults } from './parse/index.ts';
import { noLinkPath, readSmallFile } from './report-file.ts';
import { lstatOrNull } from './nofollow-fs.ts';
import { diffFiles } from './diff-files.ts';
import { hostTexts } from './host-text.ts';
import { hostsNamedByConftest } from './canary-conftest.ts';
import { hostsNamedByImports } from './canary-own-name-imports.ts';
import type { EvaluationResult } from './types.ts';
import { karmaFramework } from './karma-framework.ts';
import { definersAtBase, planNodeTestRuns, shortOfRuns } from './canary-runs.ts';

/** What was set up around one test run. */
export interface Guard {
  /** The command to run (`test_cmd`, with the second channel's reporter when there is one). */
  cmd: string;
  plan: CanaryPlan | null;
  channel: SecondChannel | null;
  /** Why the run carries no canaries (null when it does): such results are marked unprotected. */
  unprotected: string | null;
  /** Set when the canaries could not be placed because of what the patch did (a linked test file): the attempt is `tampered`. */
  tampered: string | null;
  /** Why the run gives no verdict whatever it reports (a node:test run read by JUnit or TAP that no second channel can be added to); null otherwise. */
  noChannel: string | null;
  /** TAP on stdout is read with `tapLeaves` (node's test runner: channels.ts `readsNodeTestTap`): no suite has an id. */
  tapLeaves: boolean;
  /** The first report names suites as tests (TAP of another runner, every point kept): a suite that held a canary takes its own tests' status (checkCanaries `suites`). */
  suites: boolean;
  /** Canaries and the second channel turned off for this evaluation (fixbench's own tests and bench): no evidence rule applies. */
  off?: boolean;
  /** Listed id → the canary hosts beyond test.patch's holding it (canary-listed-hosts.ts `owners`); absent when none. */
  owners?: ReadonlyMap<string, string[]>;
  /** node:test: listed id → every host node runs holding it, test.patch's too (canary-listed-hosts.ts `holders`); absent when none. */
  holders?: ReadonlyMap<string, string[]>;
  /** node:test: listed id → the test files node runs that run it, each a process that must report it (canary-runs.ts `runnersOf`); absent when none. */
  runs?: ReadonlyMap<string, string[]>;
  /** node:test with a listed id more than one test file runs: where the per-process account goes (channels.ts `withProcessAccount`) and the workspace root as the command sees it. */
  account?: { path: string; root: string };
}

/** Largest package.json or test file read to plan canaries, bytes. */
const MAX_READ = 4 * 1024 * 1024;

/**
 * package.json of workspace `dir` as it is before the model's patch (base_commit after `setup`),
 * for {@link guardRun}'s decisions; null when absent, linked or over 4 MiB.
 */
export function packageJsonBeforePatch(dir: string): Promise<string | null> {
  return readSmallFile(dir, 'package.json', MAX_READ);
}

/**
 * Sets up the evidence of one run in workspace `dir`, after test.patch was applied: adds the
 * canaries (`planCanaries`: copies of their own tests) to the test files test.patch touches, and plans the second channel
 * (`planSecondChannel`). A task read by exit code carries neither (unprotected: the fix is a
 * per-test report); so does a run with `canaries: false` (fixbench's own tests and bench only). Never throws for
 * the workspace's content: a symlinked test file gives `tampered`.
 * Every decision about the canaries (the runner a `npm test` script runs, the module type, whether
 * karma runs jasmine) is taken from `basePackageJson` (package.json before the model's patch:
 * {@link packageJsonBeforePatch}), never from the patched tree, so a patch cannot lower the protection
 * (e.g. by dropping karma-jasmine from dependencies). Karma's framework is `karmaFramework`'s.
 */
export async function guardRun(dir: string, task: TaskSpec, report: ReportKind, canaries: boolean, basePackageJson: string | null, elsewhere?: NamesElsewhere, wordsAt?: WordsAtBase, valuesAt?: ValuesAtBase, base?: BaseFiles): Promise<Guard> {
  const tapLeaves = readsNodeTestTap(task.test_cmd);
  const guard: Guard = { cmd: task.test_cmd, plan: null, channel: null, unprotected: null, tampered: null, noChannel: null, tapLeaves, suites: report.kind === 'tap' && !tapLeaves };
  if (report.kind === 'exit-code') {
    guard.unprotected = 'test_report is exit-code: no per-test results, so no canaries or second channel (give the task a per-test report)';
    return guard;
  }
  if (!canaries) {
    guard.unprotected = 'canaries and the second channel turned off for this evaluation';
    guard.off = true;
    return guard;
  }
  const root = await workspaceSeenByCommand(dir);
  guard.channel = planSecondChannel(task.test_cmd, report, root);
  if (guard.channel) guard.cmd = guard.channel.cmd;
  let pkg: unknown = null;
  try {
    pkg = basePackageJson === null ? null : JSON.parse(basePackageJson);
  } catch {
    pkg = null;
  }
  if (isPytestTask(task)) return guardPytest(dir, task, guard, elsewhere, wordsAt, valuesAt, base);
  // test.patch's files that are UTF-8 text (one that is not is left as it is, and named: host-text.ts)
  const { hosts, notUtf8, notes } = await hostTexts(dir, canaryHosts(task.test_patch), MAX_READ);
  const type = typeof (pkg as { type?: unknown } | null)?.type === 'string' ? ((pkg as { type: string }).type) : null;
  const inferred = inferRunner(task, pkg);
  // every file holding a listed test gets canaries too, not only test.patch's (atkC18 #7: canary-listed-hosts.ts)
  const reads = guardReads(dir, task.test_patch, base);
  const extra = await listedHosts(withSkipped(hosts, notUtf8), { listed: [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS], runner: inferred, testCmd: task.test_cmd, read: reads.read, filesAt: reads.filesAt });
  for (const [f, t] of extra.hosts) hosts.set(f, t);
  guard.owners = extra.owners;
  guard.holders = extra.holders;
  let runner: CanaryRunner | null = inferred;
  if (inferred === 'karma') {
    // karma's canaries are specs of the framework karma runs (jasmine's, or mocha's through karma-mocha).
    const framework = await karmaFramework(dir, pkg);
    if (!framework) {
      guard.unprotected = 'karma without karma-jasmine or karma-mocha (in package.json at base_commit or installed): fixbench writes canaries for karma only as jasmine or mocha specs';
      return guard;
    }
    runner = framework;
  }
  // node:test: the files running each listed test, from base_commit; an id several run must come from each one's process, with its own canaries (canary-runs.ts)
  const planned = extra.definers.size ? await planNodeTestRuns(extra.definers, hosts, reads, { cmd: guard.cmd, testCmd: task.test_cmd, root, channel: guard.channel !== null }) : null;
  if (planned?.runs.size) [guard.runs, guard.cmd, guard.account] = [planned.runs, planned.account?.cmd ?? guard.cmd, planned.account ? { path: planned.account.path, root } : undefined];
  // The three questions to base_commit are independent reads of its tree (a git grep each, own patterns file): asked at once.
  const [written, baseWords, counts, named] = await Promise.all([
    elsewhere ? elsewhere(jsTitles(hosts), [...hosts.keys()], false) : new Set<string>(),
    wordsAt ? wordsAt(literalWords(hosts, false)) : undefined,
    // which candidate values the repository writes outside the hosts, so a mutant is drawn documented alike (canary-echo.ts); unknown when it cannot be read
    // (a value with a line break is never written as a whole word on one line: not asked, so one cannot turn the check off, atkQ15 #4)
    valuesAt ? valuesAt(valueCandidates(hosts).filter((v) => !/[\r\n]/.test(v)), [...hosts.keys()]) : null,
    // hosts importing a local module that reads the running test's name (`expect.getState()`, atkD21 A), read as listed hosts are (base_commit's text of a file the patch changed)
    hostsNamedByImports(hosts, reads.atBase),
  ]);
  const documented = counts ? (v: string): boolean => (counts.get(v) ?? 0) > 0 : undefined;
  const plan = withNotes(await priced(planCanaries(runner, hosts, type, task, written, baseWords, documented, named), [...hosts.keys()], valuesAt), [...notes, ...extra.unhooked]);
  // node's JUnit (or its TAP read with every point) cannot show a parent test's or a hook's own failure: the second channel does.
  // node:test by the command, its npm script or the test files' own imports (atkR15 #1, atkS15 #1: a script, node without --test)
  // with no runner known from the command, node:test as a quoted module name (an import or require, not prose: atkU15 #2) in
  // test.patch or the repository at base_commit counts too (a helper re-exporting it, a data-only test.patch: atkT15 #1);
  // unreadable counts as written
  const SPECIFIERS = ["'node:test'", '"node:test"'];
  const nodeTestAtBase = async (): Promise<boolean> => {
    if (SPECIFIERS.some((q) => task.test_patch.includes(q))) return true;
    if (valuesAt === undefined) return false;
    const counts = await valuesAt(SPECIFIERS, []);
    return counts === null || SPECIFIERS.some((q) => (counts.get(q) ?? 0) > 0);
  };
  // node's own TAP read leaves-only carries a parent's own failure itself, but is evidence alone only when its reporter runs apart
  // from the tests (`node --test`): node on test files without --test runs them in the reporter's process, which patched code can
  // make print `ok` (atkV15 #1)
  // (node's reporters read leaves-only are the command's own: node:test whatever the files import)
  const inProcess = (report.kind === 'junit' || report.kind === 'tap') && guard.tapLeaves && !reporterApartFromTests(task.test_cmd);
  const needsChannel = report.kind === 'junit' || (report.kind === 'tap' && !guard.tapLeaves);
  if (!guard.channel && (inProcess || (needsChannel && (inferred === 'node:test' || (!('unprotected' in plan) && plan.runner === 'node:test') || (inferred === null && (await nodeTestAtBase())))))) {
    guard.noChannel = inProcess
      ? `test_cmd runs the test files in node's reporter process (node without --test, or --test-isolation=none), where the code under test can rewrite its report, and fixbench cannot add its second report to such a command: write test_cmd as one \`node --test …\` (e.g. \`node --test --test-reporter=tap test/a.test.js\`; or --test-report node-test)`
      : `test_cmd runs node's test runner in a way fixbench cannot add its second report to (an npm or shell script, more than one \`node --test\`, or a reporter without its own --test-reporter-destination), and ${report.kind === 'junit' ? 'node\'s JUnit report' : 'this TAP'} alone cannot show a failure in a parent test's own body or a hook: write test_cmd as one \`node --test …\` with --test-reporter=junit --test-reporter-destination=<file> (or --test-report node-test)`;
  }
  return installPlan(dir, plan, guard, 'unprotected' in plan ? new Map() : await definersAtBase(extra.definers, new Set(plan.texts.keys()), reads.read));
}

/**
 * `plan` with its odds and weak files priced by how often the rest of the repository writes each
 * hidden pair's two values (canary-odds.ts `documentedOdds`, read by `valuesAt` at base_commit with
 * the hosts excluded); as it is without `valuesAt` (tests, `tasks lint`).
 */
async function priced(plan: CanaryPlan | { unprotected: string }, hosts: string[], valuesAt?: ValuesAtBase): Promise<CanaryPlan | { unprotected: string }> {
  if ('unprotected' in plan || !valuesAt || !plan.pairs?.length || plan.guess >= 1) return plan;
  const counts = await valuesAt(plan.pairs.flatMap((p) => [valueText(p.original), valueText(p.mutant)]), hosts);
  return { ...plan, ...documentedOdds(plan, plan.pairs, counts) };
}

/** How guardRun finds listed tests' files beyond test.patch's (canary-listed-hosts.ts): `files`, by title at base_commit; `text`, a candidate's text as base_commit has it. */
export interface BaseFiles {
  files: FilesAtBase;
  text: BaseText;
}

/** How guardRun reads the workspace's files around test.patch (`guardReads`). */
interface GuardReads {
  /**
   * listedHosts' read: a file's text (no link followed, up to 4 MiB) as base_commit has it when
   * `base` says — also where the workspace holds a link, a folder or a larger file, or nothing (the
   * patch deleted or moved the file: a listed test's file comes back, atkA20 #7) — else as the
   * workspace has it; null when absent and not at base_commit, or deleted or renamed away by
   * test.patch (its deletions are the task's own).
   */
  read: (f: string) => Promise<string | null>;
  filesAt?: FilesAtBase;
  /**
   * `read` of the files base_commit or test.patch holds only (null for another: a file the patch
   * added, e.g. a decoy module a specifier may stand for, must not turn the canaries weaker:
   * atkF21 C, I); every file when `base` cannot tell.
   */
  atBase: (f: string) => Promise<string | null>;
}

/** guardRun's reads in workspace `dir` (GuardReads), test.patch (`testPatch`) parsed once. */
function guardReads(dir: string, testPatch: string, base?: BaseFiles): GuardReads {
  const diffs = diffFiles(testPatch);
  // the paths test.patch deletes or renames away (`rename from`: git diff writes renames by default, atkB20 #2)
  const dropped = new Set(diffs.filter((d) => d.oldPath !== null && d.oldPath !== d.newPath).map((d) => d.oldPath));
  const read = async (f: string): Promise<string | null> => {
    const text = await readSmallFile(dir, f, MAX_READ);
    if (!base) return text;
    // a link, a folder or a file over 4 MiB where base_commit has the file: its base text, written over the path (tampered: atkC19 #5);
    // absent: its base text when base_commit has it, the file written back with its canaries (installPlan creates it)
    if (text === null && dropped.has(f) && (await lstatOrNull(dir, f)) === null) return null;
    return base.text(f, text);
  };
  const inBase = base?.text.inBase;
  const ours = new Set(diffs.flatMap((d) => (d.newPath === null ? [] : [d.newPath])));
  const atBase = inBase ? (f: string): Promise<string | null> => (inBase(f) || ours.has(f) ? read(f) : Promise.resolve(null)) : read;
  return base ? { read, filesAt: base.files, atBase } : { read, atBase };
}

/** test.patch's `hosts` with its files that are not UTF-8 text (`skipped`) as known hosts of no text, so listedHosts never takes one up (as base_commit or lossily read). */
const withSkipped = (hosts: ReadonlyMap<string, string>, skipped: readonly string[]): Map<string, string> => new Map([...hosts, ...skipped.map((f) => [f, ''] as const)]);

/** `plan` with `notes` (listed tests left without canary: canary-listed-hosts.ts) added to its `unhooked`. */
function withNotes(plan: CanaryPlan | { unprotected: string }, notes: CanaryPlan['unhooked'] & object): CanaryPlan | { unprotected: string } {
  return 'unprotected' in plan || notes.length === 0 ? plan : { ...plan, unhooked: [...(plan.unhooked ?? []), ...notes] };
}

/** Writes `plan`'s canaries into the test files, and `atBase` (file → base_commit's text) as it is, and records the plan in `guard` (or why the run is unprotected, or tampered when they cannot be written). */
async function installPlan(dir: string, plan: CanaryPlan | { unprotected: string }, guard: Guard, atBase: ReadonlyMap<string, string> = new Map()): Promise<Guard> {
  if ('unprotected' in plan) {
    guard.unprotected = plan.unprotected;
    return guard;
  }
  try {
    // a listed host the patch deleted or moved comes back (guardReads gave its base text): created first, in folders that are not links
    const texts = new Map([...atBase, ...plan.texts]);
    for (const f of texts.keys()) {
      if ((await lstatOrNull(dir, f)) !== null) continue;
      const abs = await noLinkPath(dir, f);
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, '', { flag: 'wx' });
    }
    await writeCanaries(dir, { ...plan, texts }, noLinkPath);
    guard.plan = plan;
  } catch (err) {
    guard.tampered = `the canary tests could not be added to the test files: ${(err as Error).message}`;
  }
  return guard;
}

/** guardRun's canaries for a pytest task (canary-python.ts) in the test files test.patch touches and those its listed ids name. */
async function guardPytest(dir: string, task: TaskSpec, guard: Guard, elsewhere?: NamesElsewhere, wordsAt?: WordsAtBase, valuesAt?: ValuesAtBase, base?: BaseFiles): Promise<Guard> {
  const { hosts, notUtf8, notes } = await hostTexts(dir, pythonCanaryHosts(task.test_patch), MAX_READ);
  const reads = guardReads(dir, task.test_patch, base);
  const extra = await listedHosts(withSkipped(hosts, notUtf8), { listed: [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS], runner: 'pytest', testCmd: task.test_cmd, python: true, read: reads.read, filesAt: reads.filesAt });
  for (const [f, t] of extra.hosts) hosts.set(f, t);
  guard.owners = extra.owners;
  guard.holders = extra.holders;
  const [written, baseWords, named] = await Promise.all([ // independent reads, at once
    elsewhere ? elsewhere(pythonNames(hosts), [...hosts.keys()], true) : new Set<string>(),
    wordsAt ? wordsAt(literalWords(hosts, true)) : undefined,
    hostsNamedByConftest(hosts.keys(), (f) => readSmallFile(dir, f, MAX_READ), { testCmd: task.test_cmd, readBase: reads.atBase }),
  ]);
  return installPlan(dir, withNotes(await priced(planPythonCanaries(task.test_cmd, hosts, task, written, baseWords, named), [...hosts.keys()], valuesAt), [...notes, ...extra.unhooked]), guard);
}

/** node's JUnit reporter's closing comments (`<!-- suites 1 -->`, `<!-- duration_ms 33.6 -->`), and its TAP reporter's trailer (`# suites 1`, `# cancelled 0`): no other runner writes them. */
const NODE_REPORT_MARKS = { junit: [/<!--\s*suites \d+\s*-->/, /<!--\s*duration_ms [\d.]+\s*-->/], tap: [/^# suites \d+$/m, /^# cancelled \d+$/m] } as const;

/**
 * Marks `guard` no verdict (`noChannel`) when the run's own report was written by node's test
 * runner (`NODE_REPORT_MARKS`) and the run has no second channel where one is needed: JUnit, TAP
 * read with every point, or TAP read leaves-only from a reporter sharing the tests' process
 * (`reporterApartFromTests`). `guardRun` knows node:test only from the command and the repository's
 * text; a repository that reaches it otherwise (an import built at run time, an untracked package,
 * behind a script that masks the exit status) showed nothing there, and JUnit alone judged it
 * (atkU15 #1: a wrong patch failing only in a describe's `after()` hook resolved). `report` is
 * the first report's kind, `text` its text; the report is evidence of its writer only as the
 * grading run wrote it, so this can only take a verdict away.
 */
export function noteNodeTestReport(guard: Guard, report: string, text: string): void {
  if (guard.off || guard.channel || guard.noChannel || (report !== 'junit' && report !== 'tap')) return;
  if (report === 'tap' && guard.tapLeaves && reporterApartFromTests(guard.cmd)) return;
  if (NODE_REPORT_MARKS[report].every((re) => re.test(text))) {
    guard.noChannel = `node's test runner wrote this ${report === 'junit' ? 'JUnit' : 'TAP'} report (its closing counts), but test_cmd does not run it as one \`node --test …\` fixbench can add its second report to, and this report alone cannot show a failure in a parent test's own body or a hook: write test_cmd as one \`node --test …\` with --test-reporter=junit --test-reporter-destination=<file> (or --test-report node-test)`;
  }
}

/** The judgement of one run's evidence. */
export interface Verdict {
  /** The task's own results: canaries removed. */
  rest: TestResults;
  canaries: CanaryResults | null;
  /** Result channels read: 1, or 2 with a second channel. */
  channels: 1 | 2;
  /** Why the evidence does not hold (the attempt is `tampered`); null when it does. */
  tampered: string | null;
  /** Why the evidence cannot be checked although nothing contradicts it (no verdict: not resolved); null otherwise. Read after `tampered`. */
  noVerdict: string | null;
  /** Canary host files none of whose canaries was reported (checkCanaries `silent`); [] without canaries. */
  silentFiles: string[];
  /** Lines for the test output on listed tests made ERROR because fewer test files reported them than run them, or not each one's process (canary-runs.ts `shortOfRuns`, process-account.ts `judgeProcesses`). */
  notes: string[];
}

/**
 * Judges the run's evidence, in this order: the canaries came out as they must; the second
 * channel (`second`, null when none was read) agrees with the first on the listed tests and the
 * canaries (a test the two cannot match, `compareChannels`' `ambiguous`, is `noVerdict`); the
 * exit code is not 0 when the failing canary failed (a runner that exits 0 with a failed test
 * hides failures). The no-verdict rules of the exit code are `grade`'s. node:test: a listed id
 * reported fewer times than the files that run it, or (`account`, the per-process account) not by
 * each one's process, is ERROR (`notes` say why); an account node's runner cannot have written gives
 * no verdict, one with the runner's own events forged is `tampered`.
 */
export function judgeRun(guard: Guard, task: Pick<TaskSpec, 'FAIL_TO_PASS' | 'PASS_TO_PASS'>, parsed: TestResults, second: TestResults | null, exitCode: number | null, account: ChannelFiles['account'] = null): Verdict {
  const verdict: Verdict = { rest: parsed, canaries: null, channels: second ? 2 : 1, tampered: null, noVerdict: null, silentFiles: [], notes: [] };
  const canaryIds: string[] = [];
  if (guard.plan) {
    const c = checkCanaries(guard.plan, parsed, new Set([...task.FAIL_TO_PASS, ...task.PASS_TO_PASS]), guard.suites, guard.owners, guard.holders);
    verdict.rest = c.rest;
    verdict.canaries = c.canaries;
    verdict.tampered = c.problem;
    verdict.silentFiles = c.silent;
    if (guard.runs && !account) verdict.notes = shortOfRuns(parsed, c.rest, guard.runs);
    const processes = account && 'account' in account && guard.runs ? judgeProcesses(account.account, c.rest, guard.runs, guard.plan) : null;
    if (processes) [verdict.notes, verdict.tampered] = [[...verdict.notes, ...processes.notes], verdict.tampered ?? processes.tampered];
    const tails = guard.plan.tests.map(tailOfTest);
    const plan = guard.plan;
    for (const id of parsed.keys()) if (tails.some((t) => id === t || id.endsWith(`${ID_SEPARATOR}${t}`)) || plan.tests.some((t) => t.family && isCanaryResult(id, t))) canaryIds.push(id);
  }
  if (!verdict.tampered && second && guard.channel) {
    const c = compareChannels(parsed, second, [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS, ...canaryIds], `${guard.channel.kind === 'tap' ? 'TAP' : 'JUnit'} channel`);
    verdict.tampered = c.disagree;
    verdict.noVerdict = c.ambiguous;
  }
  if (!verdict.tampered && account && 'problem' in account) verdict[account.forged ? 'tampered' : 'noVerdict'] ??= account.problem;
  if (!verdict.tampered && !verdict.noVerdict && guard.noChannel) verdict.noVerdict = guard.noChannel;
  if (!verdict.tampered && guard.plan && exitCode === 0) {
    verdict.tampered = 'the test command exited 0 although the failing canary test failed: its exit code does not follow its results';
  }
  return verdict;
}

/** The record fields of an evaluation's evidence (`canaries`, `unprotected`, `channels`), those it has. */
export function integrityFields(e: Pick<EvaluationResult, 'canaries' | 'unprotected' | 'channels'>): Pick<EvaluationResult, 'canaries' | 'unprotected' | 'channels'> {
  return {
    ...(e.canaries !== undefined ? { canaries: e.canaries } : {}),
    ...(e.unprotected !== undefined ? { unprotected: e.unprotected } : {}),
    ...(e.channels !== undefined ? { channels: e.channels } : {}),
  };
}
