// `tasks validate`'s weak-protection warning: a task whose gold runs record canaries.guess 1 is named
// (in user words: what a patch can do and win, never the record's field names, newcomer19 #4)
// with its weak files; where its tests' own input holds their expected values (`canaries.echoed`), the
// warning names each such test and value and the fix (an answer that is not a slice of the input).
import { describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../src/config/task.ts';
import { weaklyProtected } from '../../../src/cli/tasks-check.ts';
import { canaryWarnings, formatProblem } from '../../../src/tasks/lint.ts';
import { ValidationReport, type TaskValidation } from '../../../src/tasks/validate.ts';

type Canaries = NonNullable<TaskValidation['runs'][number]['canaries']>;
const runs = (canaries: Canaries | null): Pick<TaskValidation, 'runs'> => ({
  runs: [
    { run: 1, phase: 'test_patch_only', outcome: 'unresolved', tests: {}, test_ms: 1, error: null, canaries: null },
    { run: 1, phase: 'gold_and_test_patch', outcome: 'resolved', tests: {}, test_ms: 1, error: null, canaries },
  ],
} as unknown as Pick<TaskValidation, 'runs'>);

describe('weaklyProtected', () => {
  it('names each test whose input holds its expected value, the value, and the fix', () => {
    const w = weaklyProtected(runs({
      fail: 'failed', pass: 'passed', guess: 1, weak: ['test/ini.test.js'],
      echoed: [
        { file: 'test/ini.test.js', test: 'parse > reads a host', value: 'localhost' },
        { file: 'test/ini.test.js', test: 'parse > reads a port', value: '8080' },
        { file: 'test/ini.test.js', test: 'parse > reads a host', value: 'localhost' }, // the same test from another run's plan: once
      ],
    }))!;
    expect(w).toMatch(/^weakly protected \(test\/ini\.test\.js\): a patch can tell the canaries .* from the real tests without a guess, so one that rewrites the test results to pass exactly its FAIL_TO_PASS tests, leaving the canaries failing, is graded resolved instead of tampered/);
    expect(w).not.toMatch(/canaries\.\w/); // the record's field names stay in the record (newcomer19 #4)
    expect(w).toContain('test/ini.test.js: "parse > reads a host" expects "localhost", which the rest of that test writes (its input)');
    expect(w).toContain('"parse > reads a port" expects "8080"');
    expect(w.split('reads a host').length - 1).toBe(1);
    expect(w).toContain('add a failing test whose expected answer is not a slice of its input');
  });

  it('says which tell gives each value away (written in its input, or given away by a count) and keeps a negative value\'s sign', () => {
    const w = weaklyProtected(runs({
      fail: 'failed', pass: 'passed', guess: 1, weak: ['test/csv.test.js'],
      echoed: [
        { file: 'test/csv.test.js', test: 'reads a row', value: 'b', tell: 'count' },
        { file: 'test/csv.test.js', test: 'reads a debt', value: '-5', tell: 'input' },
      ],
    }))!;
    expect(w).toContain('"reads a row" expects "b", which the rest of that test gives away by a count');
    expect(w).not.toMatch(/"reads a row" expects "b", which the rest of that test writes/);
    expect(w).toContain('"reads a debt" expects "-5", which the rest of that test writes (its input)');
  });

  it('names at most three and counts the rest', () => {
    const echoed = ['a', 'b', 'c', 'd', 'e'].map((v) => ({ file: 'test/x.test.js', test: `reads ${v}`, value: v }));
    const w = weaklyProtected(runs({ fail: 'failed', pass: 'passed', guess: 1, weak: ['test/x.test.js'], echoed }))!;
    expect(w).toContain('"reads c" expects "c"');
    expect(w).not.toContain('"reads d"');
    expect(w).toContain('(and 2 more)');
  });

  it('without named values keeps the general fix; at odds under 1 says nothing', () => {
    const w = weaklyProtected(runs({ fail: 'failed', pass: 'passed', guess: 1, weak: ['test/a.test.js'] }))!;
    expect(w).toContain('why: no failing test there is hidden from a patch');
    expect(w).toContain('give it a failing test test.patch adds, or have test.patch write the expected value');
    expect(w).not.toMatch(/canaries\.\w/);
    expect(w).not.toContain('expects');
    expect(weaklyProtected(runs({ fail: 'failed', pass: 'passed', guess: 0.125 }))).toBeNull();
    expect(weaklyProtected(runs(null))).toBeNull();
  });

  it('the validation report keeps the named values (schema)', () => {
    const echoed = [{ file: 'test/ini.test.js', test: 'reads a host', value: 'localhost', tell: 'count' as const }];
    const task = { instance_id: 't-1', valid: true, reasons: [], flaky: [], wall_ms: 1, ...runs({ fail: 'failed', pass: 'passed', guess: 1, echoed }) };
    const parsed = ValidationReport.parse({ format_version: 1, tasks_dir: '/t', started_at: 'x', finished_at: 'y', wall_ms: 1, runs: 1, sandbox: 'local', valid: true, tasks: [task] });
    expect(parsed.tasks[0]!.runs[1]!.canaries!.echoed).toEqual(echoed);
  });

  it('for a file the lint finds weak, gives word for word the fix `tasks create` and `tasks lint` printed, not another (newcomer17 #3)', () => {
    // test.patch creates spec/pad-spec.js with a single test: `tasks create` warns through canaryWarnings
    const one = "describe('pad', () => {\n  it('pads', () => expect(pad('7', 3)).toBe('  7'));\n});\n";
    const testPatch = `diff --git a/spec/pad-spec.js b/spec/pad-spec.js\nnew file mode 100644\n--- /dev/null\n+++ b/spec/pad-spec.js\n@@ -0,0 +1,3 @@\n${one.trimEnd().split('\n').map((l) => `+${l}`).join('\n')}\n`;
    const task = { instance_id: 'w-1', dir: '/tasks/w-1', test_cmd: 'npx jasmine', test_report: 'jasmine', test_patch: testPatch, FAIL_TO_PASS: ['pad > pads'], PASS_TO_PASS: [] } as unknown as TaskSpec;
    const [lint] = canaryWarnings(task);
    expect(lint?.weak).toBe(true);
    const created = formatProblem(lint!); // what `tasks create` prints after "warning: "
    const w = weaklyProtected(runs({ fail: 'failed', pass: 'passed', guess: 1, weak: ['spec/pad-spec.js'] }), created)!;
    expect(w).toContain(`; fix: ${created}`);
    expect(w).toContain('add tests whose titles share words in the same places');
    expect(w).not.toContain('give it a failing test test.patch adds'); // the second, different fix is gone
    // with echoed values too, both tells are named: the echoed tests' fix and the lint's
    const e = weaklyProtected(runs({ fail: 'failed', pass: 'passed', guess: 1, weak: ['spec/pad-spec.js'], echoed: [{ file: 'spec/pad-spec.js', test: 'pad > pads', value: '7' }] }), created)!;
    expect(e).toContain('not a slice of its input');
    expect(e).toContain(`; and: ${created}`);
  });
});
