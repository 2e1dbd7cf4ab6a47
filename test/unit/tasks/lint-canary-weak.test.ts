// Lint names a test file test.patch creates with a single test: its canaries copy that one test,
// so the must-fail one is the odd one out (weakly protected, docs/decisions.md).
import { describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../src/config/task.ts';
import { canaryWarnings } from '../../../src/tasks/lint.ts';

const created = (file: string, text: string): string => {
  const lines = text.trimEnd().split('\n');
  return `diff --git a/${file} b/${file}\nnew file mode 100644\n--- /dev/null\n+++ b/${file}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}\n`;
};
const task = (testPatch: string): TaskSpec => ({ instance_id: 'w-1', dir: '/tasks/w-1', test_cmd: 'npx jasmine', test_report: 'jasmine', test_patch: testPatch, FAIL_TO_PASS: ['pad > pads short values'], PASS_TO_PASS: [] }) as unknown as TaskSpec;

describe('canaryWarnings: weakly protected test files', () => {
  it('warns for a created file with one test, naming it; not for one whose titles lend each other words both ways', () => {
    const one = "describe('pad', () => {\n  it('pads', () => expect(pad('7', 3)).toBe('  7'));\n});\n";
    // Three tests whose titles hold a word and another of the same slot both ways (`pads` / `keeps`, `short` / `long`, `values` / `strings`);
    // two (`pads short values`, `keeps long strings`) no longer do (atkA): the original's word must fill its slot elsewhere too.
    const two = "describe('pad', () => {\n  it('pads short values', () => expect(pad('7', 3)).toBe('  7'));\n  it('keeps long values', () => expect(pad('777', 3)).toBe('777'));\n  it('pads long strings', () => expect(pad('77', 3)).toBe(' 77'));\n});\n";
    const twoOnly = "describe('pad', () => {\n  it('pads short values', () => expect(pad('7', 3)).toBe('  7'));\n  it('keeps long strings', () => expect(pad('777', 3)).toBe('777'));\n});\n";
    // Their copies' titles would tell them, but a plain title's pair is swapped half the time (canary-swap.ts): which twin holds the mutant is then a coin flip.
    expect(canaryWarnings(task(created('spec/pad-spec.js', twoOnly)))).toEqual([]);
    // Two one-word titles: the copy of `pads` can only be `pads 2`, which marks the copy's title, not the mutant (swapped pairs).
    const bare = "describe('pad', () => {\n  it('pads', () => expect(pad('7', 3)).toBe('  7'));\n  it('keeps', () => expect(pad('777', 3)).toBe('777'));\n});\n";
    expect(canaryWarnings({ ...task(created('spec/pad-spec.js', bare)), FAIL_TO_PASS: ['pad > pads'] })).toEqual([]);
    // …unless a title holds what a report may escape (a quote): no swap, and the copy is told by its title (weak).
    const quoted = bare.replace("it('pads'", 'it("pads \'x\'"').replace("it('keeps'", 'it("keeps \'x\'"');
    expect(canaryWarnings({ ...task(created('spec/pad-spec.js', quoted)), FAIL_TO_PASS: ["pad > pads 'x'"] })).toHaveLength(1);
    expect(canaryWarnings(task(created('spec/pad-spec.js', twoOnly.replace("'pads short values'", '"pads \'short\' values"').replace("'keeps long strings'", '"keeps \'long\' strings"'))))).toHaveLength(1);
    const w = canaryWarnings(task(created('spec/pad-spec.js', one)));
    expect(w).toHaveLength(1);
    expect(w[0]!.message).toMatch(/spec\/pad-spec\.js hold\(s\) a single test.*weakly protected/);
    expect(canaryWarnings(task(created('spec/pad-spec.js', two)))).toEqual([]);
  });
});

describe('canaryWarnings: pytest tasks', () => {
  const py = (cmd: string, testPatch: string): TaskSpec => ({ instance_id: 'p-1', dir: '/tasks/p-1', test_cmd: cmd, test_report: 'junit:r.xml', test_patch: testPatch, FAIL_TO_PASS: ['pytest > test_add'], PASS_TO_PASS: [] }) as unknown as TaskSpec;
  const tests = created('tests/test_calc.py', 'def test_pads_short_values():\n    assert pad("7", 3) == "  7"\n\n\ndef test_keeps_long_values():\n    assert pad("777", 3) == "777"\n\n\ndef test_pads_long_strings():\n    assert pad("77", 3) == " 77"\n');
  it('no warning for a pytest test file; a warning for a command that would not run the canaries or no pytest test file', () => {
    expect(canaryWarnings({ ...py('python3 -m pytest --junitxml=r.xml tests', tests), FAIL_TO_PASS: ['tests/test_calc.py > test_pads_short_values'] })).toEqual([]);
    // a created file with one one-word test: its copy is told apart (newcomer12 #2)
    const single = canaryWarnings(py('python3 -m pytest --junitxml=r.xml tests', created('tests/test_calc.py', 'def test_add():\n    assert add(2, 3) == 5\n')));
    expect(single).toHaveLength(1);
    expect(single[0]!.message).toMatch(/tests\/test_calc\.py hold\(s\) a single test.*weakly protected/);
    expect(canaryWarnings(py('python3 -m pytest --junitxml=r.xml tests/test_calc.py::test_add', tests))[0]!.message).toMatch(/node id.*unprotected/);
    expect(canaryWarnings(py('pytest -x --junitxml=r.xml tests', tests))[0]!.message).toMatch(/first failure.*unprotected/);
    expect(canaryWarnings(py('pytest --junitxml=r.xml tests', created('tests/helpers.py', 'X = 1\n')))[0]!.message).toMatch(/no pytest test file/);
  });
});

describe('canaryWarnings: node:test without a second channel (atkO15 #2)', () => {
  const file = created('test/pad.test.js', "const { test } = require('node:test');\nconst assert = require('node:assert');\ntest('pads short values', () => assert.equal(pad('7', 3), '  7'));\ntest('keeps long values', () => assert.equal(pad('777', 3), '777'));\ntest('pads long strings', () => assert.equal(pad('77', 3), ' 77'));\n");
  const node = (cmd: string, report = 'junit:r.xml'): TaskSpec => ({ ...task(file), test_cmd: cmd, test_report: report, FAIL_TO_PASS: ['pads short values'] }) as TaskSpec;
  it('warns where no second report can be added, not where one can', () => {
    // The weak-protection warning comes from a random canary plan (rarely weak for this file): not what this test is about.
    const reportWarnings = (t: TaskSpec) => canaryWarnings(t).filter((w) => !w.weak);
    expect(reportWarnings(node('node --test --test-reporter=junit --test-reporter-destination=r.xml'))).toEqual([]);
    expect(reportWarnings(node('node --test-reporter=junit --test-reporter-destination=r.xml --test'))).toEqual([]);
    for (const cmd of ['node --test test/a.test.js && node --test --test-reporter=junit --test-reporter-destination=r.xml', 'node --test --test-reporter=junit --test-reporter=spec --test-reporter-destination=r.xml']) {
      const w = reportWarnings(node(cmd));
      expect(w, cmd).toHaveLength(1);
      expect(w[0]!.field).toBe('test_cmd');
      expect(w[0]!.message).toMatch(/second report.*parent test's own body/);
    }
  });
});
