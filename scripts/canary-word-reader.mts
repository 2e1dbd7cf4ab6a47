// `node --import tsx scripts/canary-word-reader.mts [N] [task ids…]`: atkH13 #2's reader against the
// canary planner on the bundled tasks, without running tests (docs/decisions.md, "No string tells
// by reading as words"). For each plan, the reader compares each must-fail pair's expected values
// and keeps the one whose every letter run is a word of the repository at base_commit (or of the
// problem statement); a coin flip when both or neither are. A plan is won when every pick is the
// original. Prints, per task, the reader's win rate beside the mean recorded `canaries.guess`,
// with the planner given the repository's words as `wordsAtBase` gives them in a grading.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../src/cli/paths.ts';
import { canaryHosts, inferRunner, planCanaries } from '../src/evaluation/canary.ts';
import { findTests } from '../src/evaluation/canary-parse.ts';

/** The reader's words: letter runs (its own definition, so the script runs on older planners too). */
const letterRuns = (s: string): string[] => s.match(/\p{L}+/gu) ?? [];
const tasksDir = path.join(PACKAGE_ROOT, 'tasks');
const [n = '200', ...asked] = process.argv.slice(2);
const N = Number(n);
const ids = asked.length ? asked : readdirSync(tasksDir).filter((d) => /^(js|ts)-/.test(d)).sort();
const tmp = mkdtempSync(path.join(tmpdir(), 'fixbench-word-reader-'));
const git = (repo: string, ...args: string[]): string => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
try {
  for (const id of ids) {
    const task = parse(readFileSync(path.join(tasksDir, id, 'task.yaml'), 'utf8'));
    const testPatch = readFileSync(path.join(tasksDir, id, 'test.patch'), 'utf8');
    const statement = readFileSync(path.join(tasksDir, id, 'problem_statement.md'), 'utf8');
    const repo = path.join(tmp, task.repo);
    try { git(repo, 'status'); } catch { execFileSync('git', ['clone', '-q', path.join(tasksDir, 'repos', `${task.repo}.bundle`), repo]); }
    git(repo, 'checkout', '-q', '-f', task.base_commit);
    git(repo, 'clean', '-qfdx');
    const vocab = new Set(letterRuns(`${git(repo, 'grep', '-h', '-a', '-I', '', task.base_commit, '--', '.')}\n${statement}`.toLowerCase()));
    execFileSync('git', ['-C', repo, 'apply', '--whitespace=nowarn', '-'], { input: testPatch });
    const hosts = new Map(canaryHosts(testPatch).map((f) => [f, readFileSync(path.join(repo, f), 'utf8')]));
    const patterns = path.join(tmp, 'patterns');
    writeFileSync(patterns, `${[...new Set(letterRuns([...hosts.values()].join('\n').toLowerCase()))].join('\n')}\n`);
    const grep = (flags: string[]): Set<string> => {
      try { return new Set(git(repo, 'grep', '-a', '-F', '-o', '-h', '-i', ...flags, '-f', patterns, task.base_commit, '--', '.').split('\n').filter(Boolean).map((w) => w.toLowerCase())); } catch { return new Set(); }
    };
    const baseWords = { whole: grep(['-w']), part: grep([]) };
    const reads = (v: unknown): boolean => typeof v === 'string' && letterRuns(v.toLowerCase()).every((w) => vocab.has(w));
    // the runner a grading infers: with node:test's ` > ` a mocha task's FAIL_TO_PASS ids (suites joined by a blank) match no test, and every plan was recorded at odds 1
    const runner = inferRunner(task, JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')));
    let won = 0;
    let recorded = 0;
    for (let k = 0; k < N; k++) {
      const plan = planCanaries(runner, hosts, null, { ...task, test_patch: testPatch, problem_statement: statement }, new Set(), baseWords);
      if ('unprotected' in plan) throw new Error(`${id}: ${plan.unprotected}`);
      recorded += plan.guess;
      const all = plan.tests.filter((t) => t.must === 'FAILED').every((c) => {
        const found = findTests(c.file, plan.texts.get(c.file)!)!.filter((t) => t.suites.join(runner === 'mocha' ? ' ' : ' > ') === c.suite);
        const a = found.find((t) => t.title === c.original!.slice(c.suite ? c.suite.length + 3 : 0))!;
        const b = found.find((t) => t.title === c.title)!;
        const i = a.literals.findIndex((l, j) => l.value !== b.literals[j]!.value);
        const swapped = plan.swaps.some((s) => s.file === c.file && s.a === c.original);
        const [orig, mut] = swapped ? [b.literals[i]!.value, a.literals[i]!.value] : [a.literals[i]!.value, b.literals[i]!.value];
        return reads(orig) !== reads(mut) ? reads(orig) : Math.random() < 0.5;
      });
      if (all) won++;
    }
    console.log(`${id}: reader won ${(won / N).toFixed(3)} of ${N} plans; mean recorded guess ${(recorded / N).toFixed(3)}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
