// `node --import tsx scripts/canary-readers.mts [N] [task ids…]`: the value readers of rounds 13–15
// against the canary planner on the bundled JS/TS tasks, without running tests (docs/decisions.md,
// "No mutant is told by the rest of its own test"). For each of N plans per task, each reader
// looks at every must-fail pair (original and mutant, known apart only here) and keeps one twin;
// it wins a plan when it keeps the original of every pair (a coin flip where its rule says
// nothing). Readers: `word` (atkH13 #2: every letter run a word of the repository or problem
// statement), `echo` (atkL14 #1: the changed token written in the rest of its own test), `doc`
// (atkJ13 #2: the value written in the repository outside the hosts), `rarer` / `commoner` (the
// changed token the rest of its test writes less / more often: a frequency pick over the test),
// `best` (the first of echo, rarer, doc, word that tells the twins apart), `substr` / `grams`
// (atkQ15 #1: the value found whole in the rest of its test, its adjacent tokens as written there),
// `best2` (echo, rarer, substr, grams, doc, word).
// Prints per task the mean recorded odds (after `documentedOdds`, as a grading records them), the
// share of plans at odds 1, each reader's win rate, and over the plans recorded below odds 1 the
// sum of their odds beside the plans `best` and `best2` won (a reader beats the odds when it wins more).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../src/cli/paths.ts';
import { canaryHosts, inferRunner, planCanaries } from '../src/evaluation/canary.ts';
import { findTests } from '../src/evaluation/canary-parse.ts';
import * as elsewhere from '../src/evaluation/canary-elsewhere.ts';
import { documentedOdds, valueText } from '../src/evaluation/canary-odds.ts';
import { stringsOf } from '../src/evaluation/canary-echo.ts';
import { cookedOf } from '../src/evaluation/canary-literal.ts';

const letterRuns = (s: string): string[] => s.match(/\p{L}+/gu) ?? [];
/** The reader's tokens: letter, digit and `_` runs, lower case, an escape (`\n`, `\uFEFF`) read as a break (as echoTell reads them since round 15). */
const tokens = (s: string): string[] => s.replace(/\\(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, ' ').toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
const tasksDir = path.join(PACKAGE_ROOT, 'tasks');
const [n = '200', ...asked] = process.argv.slice(2);
const N = Number(n);
const ids = asked.length ? asked : readdirSync(tasksDir).filter((d) => /^(js|ts)-/.test(d)).sort();
const tmp = mkdtempSync(path.join(tmpdir(), 'fixbench-readers-'));
const git = (repo: string, ...args: string[]): string => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
const READERS = ['word', 'echo', 'doc', 'rarer', 'commoner', 'best', 'substr', 'grams', 'best2'] as const;
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
    const grepOut = (flags: string[], words: string[]): string[] => {
      if (!words.length) return [];
      writeFileSync(patterns, `${words.join('\n')}\n`);
      try { return git(repo, 'grep', '-a', '-F', '-o', '-h', ...flags, '-f', patterns, task.base_commit, '--', '.').split('\n').filter(Boolean); } catch { return []; }
    };
    const hostWords = [...new Set(letterRuns([...hosts.values()].join('\n').toLowerCase()))];
    const baseWords = { whole: new Set(grepOut(['-w', '-i'], hostWords).map((w) => w.toLowerCase())), part: new Set(grepOut(['-i'], hostWords).map((w) => w.toLowerCase())) };
    // as valuesAtBase counts them (canary-elsewhere.ts): whole words, case kept, the hosts excluded
    const excl = [...hosts.keys()].map((h) => `:(exclude,literal)${h}`);
    const valuesOutside = (values: string[]): Map<string, number> => {
      const askedV = [...new Set(values)].filter((v) => v !== '' && !/[\r\n]/.test(v));
      if (!askedV.length) return new Map();
      writeFileSync(patterns, `${askedV.join('\n')}\n`);
      let out: string[] = [];
      try { out = git(repo, 'grep', '-a', '-F', '-o', '-h', '-w', '-f', patterns, task.base_commit, '--', '.', ...excl).split('\n').filter(Boolean); } catch { out = []; }
      const counts = new Map<string, number>();
      for (const l of out) counts.set(l, (counts.get(l) ?? 0) + 1);
      return new Map(askedV.map((v) => [v, counts.get(v) ?? 0]));
    };
    // the runner a grading infers (mocha's ids join suites with a blank: FAIL_TO_PASS tests are matched as in a grading)
    const runner = inferRunner(task, JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')));
    const reads = (v: unknown): boolean => typeof v === 'string' && letterRuns(v.toLowerCase()).every((w) => vocab.has(w));
    // as integrity.ts asks before planning (where the planner takes it: older planners ignore the argument)
    const candidates = 'valueCandidates' in elsewhere ? (elsewhere as { valueCandidates: (h: Map<string, string>) => string[] }).valueCandidates(hosts) : [];
    const before = candidates.length && candidates.length <= 2000 ? valuesOutside(candidates) : null;
    const documented = before ? (v: string): boolean => (before.get(v) ?? 0) > 0 : undefined;
    const wins = Object.fromEntries(READERS.map((r) => [r, 0])) as Record<(typeof READERS)[number], number>;
    let recorded = 0;
    const sub = { n: 0, odds: 0, best: 0, best2: 0 };
    let ones = 0;
    for (let k = 0; k < N; k++) {
      const plan = planCanaries(runner, hosts, null, { ...task, test_patch: testPatch, problem_statement: statement }, new Set(), baseWords, documented);
      if ('unprotected' in plan) throw new Error(`${id}: ${plan.unprotected}`);
      const counts = plan.pairs?.length && plan.guess < 1 ? valuesOutside(plan.pairs.flatMap((p) => [valueText(p.original), valueText(p.mutant)])) : new Map<string, number>();
      const guess = plan.pairs?.length && plan.guess < 1 ? documentedOdds(plan, plan.pairs, counts).guess : plan.guess;
      recorded += guess;
      if (guess >= 1) ones++;
      if (process.env.READERS_DEBUG) console.log(JSON.stringify({ guess: plan.guess, weak: plan.weak, pairs: plan.pairs, fails: plan.tests.filter((t) => t.must === 'FAILED').map((t) => t.original) }));
      const picks = plan.tests.filter((t) => t.must === 'FAILED').map((c) => {
        const text = plan.texts.get(c.file)!;
        const found = findTests(c.file, text)!.filter((t) => t.suites.join(runner === 'mocha' ? ' ' : ' > ') === c.suite);
        const a = found.find((t) => t.title === c.original!.slice(c.suite ? c.suite.length + 3 : 0))!;
        const b = found.find((t) => t.title === c.title)!;
        const i = a.literals.findIndex((l, j) => l.value !== b.literals[j]!.value);
        const swapped = plan.swaps.some((s) => s.file === c.file && s.a === c.original);
        const [o, m] = swapped ? [b, a] : [a, b];
        const lo = o.literals[i]!, lm = m.literals[i]!;
        const [so, sm] = [text.slice(lo.start, lo.end), text.slice(lm.start, lm.end)];
        const rest = text.slice(o.start, o.titleStart) + text.slice(o.titleEnd, lo.start) + text.slice(lo.end, o.end);
        const restTokens = tokens(rest);
        const [to, tm] = [new Set(tokens(valueText(so))), new Set(tokens(valueText(sm)))];
        const onlyO = [...to].filter((x) => !tm.has(x)), onlyM = [...tm].filter((x) => !to.has(x));
        const restCount = (xs: string[]): number => xs.reduce((s, x) => s + restTokens.filter((t) => t === x).length, 0);
        const coin = (): boolean => Math.random() < 0.5;
        const pick = (fo: number, fm: number, origWhenHigher = true): boolean => (fo === fm ? coin() : (fo > fm) === origWhenHigher);
        const echoes = (xs: string[]): number => (xs.some((x) => restTokens.includes(x)) ? 1 : 0);
        // substr, grams (atkQ15): the value, cooked, found whole inside the rest of the test's text or strings; its adjacent tokens with what is written between them
        const restCooked = rest + '\u0000' + (stringsOf(rest).match(/'(?:[^'\\\n]|\\[\s\S])*'|"(?:[^"\\\n]|\\[\s\S])*"|`(?:[^`\\]|\\[\s\S])*`/g) ?? []).map((q) => cookedOf(q, false) ?? '').join('\u0000');
        const inRest = (v: unknown): number => (typeof v === 'string' && v.length > 1 && restCooked.includes(v) ? 1 : 0);
        const grams = (v: unknown): number => {
          if (typeof v !== 'string') return 0;
          const ts = [...v.matchAll(/[\p{L}\p{N}_]+/gu)];
          let n = 0;
          for (let j = 0; j + 1 < ts.length; j++) if (restCooked.includes(v.slice(ts[j]!.index!, ts[j + 1]!.index! + ts[j + 1]![0].length))) n++;
          return n;
        };
        const [so2, sm2, go, gm] = [inRest(lo.value), inRest(lm.value), grams(lo.value), grams(lm.value)];
        if (process.env.SUBSTR_DEBUG && (so2 !== sm2 || go !== gm)) console.log('PAIR', JSON.stringify({ orig: so, mut: sm, so2, sm2, go, gm, echo: [echoes(onlyO), echoes(onlyM)], rc: [restCount(onlyO), restCount(onlyM)] }));
        return {
          substr: pick(so2, sm2),
          grams: pick(go, gm),
          best2: echoes(onlyO) !== echoes(onlyM) ? echoes(onlyO) > echoes(onlyM)
            : restCount(onlyO) !== restCount(onlyM) ? restCount(onlyO) < restCount(onlyM)
              : so2 !== sm2 ? so2 > sm2 : go !== gm ? go > gm
              : ((counts.get(valueText(so)) ?? 0) > 0) !== ((counts.get(valueText(sm)) ?? 0) > 0) ? (counts.get(valueText(so)) ?? 0) > 0
                : reads(lo.value) !== reads(lm.value) ? reads(lo.value) : coin(),
          word: pick(reads(lo.value) ? 1 : 0, reads(lm.value) ? 1 : 0),
          echo: pick(echoes(onlyO), echoes(onlyM)),
          doc: pick((counts.get(valueText(so)) ?? 0) > 0 ? 1 : 0, (counts.get(valueText(sm)) ?? 0) > 0 ? 1 : 0),
          rarer: pick(restCount(onlyO), restCount(onlyM), false),
          commoner: pick(restCount(onlyO), restCount(onlyM), true),
          // the first rule that tells the twins apart: echo, then the rarer token in the test, then documented, then words
          best: echoes(onlyO) !== echoes(onlyM) ? echoes(onlyO) > echoes(onlyM)
            : restCount(onlyO) !== restCount(onlyM) ? restCount(onlyO) < restCount(onlyM)
              : ((counts.get(valueText(so)) ?? 0) > 0) !== ((counts.get(valueText(sm)) ?? 0) > 0) ? (counts.get(valueText(so)) ?? 0) > 0
                : reads(lo.value) !== reads(lm.value) ? reads(lo.value) : coin(),
        };
      });
      for (const r of READERS) if (picks.every((p) => p[r])) wins[r]++;
      if (guess < 1) { sub.n++; sub.odds += guess; if (picks.every((p) => p.best2)) sub.best2++; if (picks.every((p) => p.best)) sub.best++; }
    }
    console.log(`${id} [plans at odds<1: ${sub.n}; sum of recorded odds ${sub.odds.toFixed(1)}; best won ${sub.best}; best2 won ${sub.best2}]`);
    console.log(`${id}: recorded ${(recorded / N).toFixed(3)} (odds 1 in ${ones}/${N}); readers won ${READERS.map((r) => `${r} ${(wins[r] / N).toFixed(3)}`).join(', ')}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
