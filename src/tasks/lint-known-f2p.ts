// `tasks lint`'s check that a task's failing tests are not all knowable before the tests run
// (atkD12 #4, #5): a FAIL_TO_PASS test is protected by the canaries when a patch cannot read its
// title, or when its pair can be swapped (canary-swap.ts: the mutant under the known title half the
// time), which needs an expected value test.patch writes. When every title was already in the test
// files at base_commit (test.patch only edits its body) or is named in the problem statement, and
// test.patch writes no expected value, a patch that turns exactly those tests' failures into passes
// needs no guess. The grading record says so too (`canaries.guess` 1, the file in `canaries.weak`).
import type { TaskSpec } from '../config/task.ts';
import { listedTestName } from '../evaluation/canary-python.ts';
import { foldText } from '../evaluation/canary-odds.ts';


/**
 * Whether test.patch adds a line holding an expected literal the canaries can change (`assert x ==
 * 3`, `assertEqual(x, 'a')`, `.toBe(true)`, `assert.equal(x, 2)`…): a swapped pair may then hide a
 * known failing test. A loose match: it only keeps `knownFailToPassWarning` from warning.
 */
function addsExpectedValue(testPatch: string): boolean {
  const lit = String.raw`\s*(?:-?\d|['"\`\[]|True\b|False\b|true\b|false\b)`;
  const shapes = new RegExp(String.raw`\bassert\s.*==${lit}|\bassertEquals?\(.*,${lit}|\.(?:toBe|toEqual|toStrictEqual|equal|eql)\(${lit}|\b(?:equal|strictEqual|deepEqual|deepStrictEqual)\(.*,${lit}`);
  return testPatch.split('\n').some((l) => l.startsWith('+') && !l.startsWith('+++') && shapes.test(l));
}

/**
 * The warning for `task` when each FAIL_TO_PASS title is found on a line test.patch keeps or
 * removes or in a hunk header (so the file held it before test.patch), or in the problem statement
 * (compared folded: `foldText`), and test.patch adds no line with an expected value
 * (`addsExpectedValue`), else null. Lint sees test.patch, not the base files: a title found
 * nowhere there (mocha's full titles, a title built at run time) is taken as hidden, and an added
 * expected value as one a swapped pair can hide, so this warns only where it is sure; the grading
 * record (`canaries.guess`, `canaries.weak`) counts each case exactly. Pure.
 */
export function knownFailToPassWarning(task: Pick<TaskSpec, 'FAIL_TO_PASS' | 'test_patch'> & Partial<Pick<TaskSpec, 'problem_statement'>>): string | null {
  const titles = [...new Set(task.FAIL_TO_PASS.map((id) => listedTestName(id).trim()))].filter((t) => t !== '');
  if (!titles.length) return null;
  // lines test.patch keeps or removes, and the text a hunk header repeats (`@@ -1,2 +1,2 @@ def test_add():`)
  const before = task.test_patch.split('\n').flatMap((l) => (l.startsWith('@@') ? [l.replace(/^@@[^@]*@@/, '')] : (l.startsWith(' ') || l.startsWith('-')) && !l.startsWith('---') ? [l] : [])).join('\n');
  const statement = foldText(task.problem_statement ?? '');
  if (!titles.every((t) => before.includes(t) || statement.includes(foldText(t))) || addsExpectedValue(task.test_patch)) return null;
  return `every FAIL_TO_PASS test's title can be read before the tests run (${titles.slice(0, 3).map((t) => JSON.stringify(t)).join(', ')}${titles.length > 3 ? ', …' : ''}: in the test files at base_commit or in problem_statement.md) and test.patch writes no expected value (\`assert x == 3\`, \`expect(x).toBe(3)\`) the canaries could change: a patch that turns exactly those tests' failures into passes beats the canaries (\`tasks validate\` then warns the task is weakly protected); add a new failing test in test.patch whose title the problem statement does not give, or assert an expected value in the failing test`;
}
