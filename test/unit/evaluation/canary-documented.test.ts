// Pairs priced by the values the rest of the repository writes at base_commit (canary-odds.ts
// `documentedOdds`, canary-elsewhere.ts `valuesAtBase`): atkJ13 #2 / atkK13 #2, a forger keeping of each
// pair the value the README documents resolved 8 of 8 gradings recorded at 1/64.
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { documentedOdds, echoTell, valueText } from '../../../src/evaluation/canary-odds.ts';
import { namesElsewhere, valuesAtBase, wordsAtBase } from '../../../src/evaluation/canary-elsewhere.ts';
import { guardRun } from '../../../src/evaluation/integrity.ts';
import { reportKind } from '../../../src/evaluation/parse/index.ts';
import { gitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';

afterAll(cleanupHostRepos);

describe('valueText', () => {
  it('is a string literal\'s body, any quotes and Python prefix, and a number or keyword as written', () => {
    expect(valueText("'invalid duration'")).toBe('invalid duration');
    expect(valueText('"2 hours"')).toBe('2 hours');
    expect(valueText('`1.5s`')).toBe('1.5s');
    expect(valueText("r'\\d+ms'")).toBe('\\d+ms');
    expect(valueText('"""three\nlines"""')).toBe('three\nlines');
    expect(valueText('120000')).toBe('120000');
    expect(valueText('true')).toBe('true');
    expect(valueText("'unclosed")).toBe("'unclosed");
  });
});

describe('documentedOdds', () => {
  const pair = (original: string, mutant: string, odds = 0.5, file = 'test/a.test.js') => ({ original, mutant, odds, file });
  const counts = (o: Record<string, number>) => new Map(Object.entries(o));

  it('makes a pair whose original value alone the repository writes a tell, and its file weak when every pair of it is', () => {
    const r = documentedOdds({ guess: 0.125, weak: [] }, [pair("'invalid duration'", "'invalid minutes'"), pair('5', '7'), pair("'x'", "'y'", 0.5, 'test/b.test.js')], counts({ 'invalid duration': 1, 5: 3, 7: 0 }));
    // 1/2 × 1/2 × 1/2 → 1 × 3/3 × 1/2
    expect(r.guess).toBeCloseTo(0.5);
    expect(r.weak).toEqual(['test/a.test.js']);
  });

  it('leaves pairs both of whose values are written, or neither, or only the mutant\'s, at their odds', () => {
    const r = documentedOdds({ guess: 0.15, weak: ['old.test.js'] }, [pair('5', '6'), pair("'a b'", "'a c'", 0.6), pair("'q'", "'r'")], counts({ 5: 3, 6: 1, 'a b': 2, 'a c': 2, r: 4 }));
    expect(r.guess).toBeCloseTo(0.15);
    expect(r.weak).toEqual(['old.test.js']);
    expect(documentedOdds({ guess: 0.3, weak: [] }, [pair('5', '6', 0.6)], counts({})).guess).toBeCloseTo(0.3);
  });

  it('counts every pair a tell when the repository could not be read, and leaves a plan at odds 1 alone', () => {
    expect(documentedOdds({ guess: 0.25, weak: [] }, [pair('5', '6'), pair('1', '2')], null)).toEqual({ guess: 1, weak: ['test/a.test.js'] });
    const one = { guess: 1, weak: ['test/a.test.js'] };
    expect(documentedOdds(one, [pair('5', '6')], counts({ 5: 1 }))).toBe(one);
  });
});

const HOST = 'test/add.test.js';
const BEFORE = "const test = require('node:test');\nconst assert = require('node:assert');\nconst { add, label } = require('../src/add.js');\n\ntest('adds small numbers', () => assert.equal(add(1, 1), 2));\n";
// String answers of distinct shapes: no one-word change of one is another (a mutant equal to another documented answer is written too).
const HIDDEN = "test('names a sum', () => assert.equal(label(2, 3), 'five in all'));\ntest('names no sum', () => assert.equal(label(), 'nothing given'));\ntest('names a large sum', () => assert.equal(label(1e9, 1), 'sum too large'));\n";

/** A node:test task whose README at base_commit documents (or not) the hidden tests' expected values, with test.patch applied in its work tree. */
function documentedTask(readme: string) {
  const repo = gitRepo({ 'README.md': readme, 'src/add.js': 'exports.add = (a, b) => a - b;\nexports.label = () => "";\n', [HOST]: BEFORE });
  const patch = `diff --git a/${HOST} b/${HOST}\n--- a/${HOST}\n+++ b/${HOST}\n@@ -5 +5,4 @@\n ${BEFORE.split('\n')[4]}\n${HIDDEN.trimEnd().split('\n').map((l) => `+${l}`).join('\n')}\n`;
  writeFileSync(path.join(repo.dir, HOST), BEFORE + HIDDEN);
  const task = { instance_id: 'add-1', test_cmd: 'node --test --test-reporter=junit --test-reporter-destination=report.xml', test_report: 'junit:report.xml', test_patch: patch, FAIL_TO_PASS: ['names a sum', 'names no sum', 'names a large sum'], PASS_TO_PASS: ['adds small numbers'], problem_statement: 'add subtracts.' } as unknown as Parameters<typeof guardRun>[1];
  return { repo, task };
}

describe('guardRun prices pairs by the values the repository documents', () => {
  it('a README giving every hidden expected value makes the plan odds 1 and the host weak; one giving none leaves the odds of a guess', async () => {
    const documented = documentedTask('# add\n\n```js\nadd(2, 3);        // 5\nlabel(2, 3);      // five in all\nlabel();          // nothing given\nlabel(1e9, 1);    // sum too large\n```\n');
    const plain = documentedTask('# add\n\nAdds numbers.\n');
    for (const { repo, task } of [documented, plain]) {
      const ws = await hostRepoOf(repo.dir);
      const values = valuesAtBase(ws, ws.baseCommit);
      const counted = await values(['5', 'five in all', 'nothing given', '2', '7'], [HOST]);
      expect(counted?.get('2'), 'the host is not counted').toBe(repo === documented.repo ? 2 : 0);
      // more values than one grep takes (a large test file's candidates, atkQ15 #4): asked in parts, never given up
      const many = await values([...Array.from({ length: 4500 }, (_, i) => `v${i}x`), '5'], [HOST]);
      expect(many?.size).toBe(4501);
      expect(many?.get('5')).toBe(repo === documented.repo ? 1 : 0);
      for (let k = 0; k < 12; k++) {
        const guard = await guardRun(repo.dir, task, reportKind(task.test_report), true, null, undefined, undefined, values);
        writeFileSync(path.join(repo.dir, HOST), BEFORE + HIDDEN);
        const plan = guard.plan!;
        // documented answers with no documented substitute are told while planning (canary-echo.ts): no hidden pair is left to price
        if (repo === plain.repo) expect(plan.pairs?.length).toBeGreaterThan(0);
        if (repo === documented.repo) {
          expect(plan.guess, JSON.stringify(plan.pairs)).toBe(1);
          expect(plan.weak).toContain(HOST);
        } else {
          expect(plan.guess).toBeLessThan(1);
          expect(plan.weak).not.toContain(HOST);
        }
      }
    }
  });
});

describe('guardRun asks base_commit its three questions at once', () => {
  it('names elsewhere, words and values are all asked before any answer is awaited, and the plan is made from their answers', async () => {
    const { repo, task } = documentedTask('# add\n\nAdds numbers.\n');
    const ws = await hostRepoOf(repo.dir);
    // Each question's first call holds its answer until all three were asked (or 2 s passed: asked one after another).
    const asked = new Set<string>();
    let allAsked!: () => void;
    const all = new Promise<void>((resolve) => (allAsked = resolve));
    const sawAll: Record<string, boolean> = {};
    const gate = async <T>(name: string, answer: () => Promise<T>): Promise<T> => {
      const first = !asked.has(name);
      asked.add(name);
      if (asked.size === 3) allAsked();
      if (first) {
        await Promise.race([all, new Promise((r) => setTimeout(r, 2000))]);
        sawAll[name] = asked.size === 3;
      }
      return answer();
    };
    const names = namesElsewhere(ws, ws.baseCommit);
    const words = wordsAtBase(ws, ws.baseCommit);
    const values = valuesAtBase(ws, ws.baseCommit);
    const guard = await guardRun(repo.dir, task, reportKind(task.test_report), true, null,
      (n, h, w) => gate('names', () => names(n, h, w)), (w) => gate('words', () => words(w)), (v, h) => gate('values', () => values(v, h)));
    expect(sawAll).toEqual({ names: true, words: true, values: true });
    expect(guard.tampered).toBeNull();
    expect(guard.plan?.pairs?.length).toBeGreaterThan(0);
  });
});

describe('echoTell', () => {
  it('tells a pair whose changed token only one twin\'s value shares with the rest of its test, either way', () => {
    const rest = "it('reads a host', () => assert.deepEqual(parse('host = localhost\\nport = 80'), { host: , port: '80' }));";
    expect(echoTell(rest, "'localhost'", "'internal'")).toBe(true); // the input writes the original's word
    expect(echoTell(rest, "'internal'", "'localhost'")).toBe(true); // … or the mutant's
    expect(echoTell(rest, "'localhost'", "'host'")).toBe(false); // both written there
    expect(echoTell(rest, "'gateway'", "'internal'")).toBe(false); // neither
    expect(echoTell('assert.equal(add(2, 3), )', '5', '3')).toBe(true);
    expect(echoTell('assert.equal(add(2, 3), )', '5', '7')).toBe(false);
    // tokens both values hold are no evidence: only the changed ones count, in any case
    expect(echoTell("f('Invalid Duration')", "'invalid duration'", "'invalid minutes'")).toBe(true);
    expect(echoTell("f('invalid')", "'invalid duration'", "'invalid minutes'")).toBe(false);
  });
});
