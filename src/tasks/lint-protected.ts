// `tasks lint` for protected files (DESIGN.md §6 step 2): a gold patch is graded like a model's,
// so a file it must change that the rule protects has to be allowed in task.yaml, or the
// reference fix itself would be dropped before grading.
import type { TaskYaml } from '../config/task.ts';
import { compileRule, DEFAULT_TEST_FILES } from '../evaluation/protected-rule.ts';

/**
 * Problems of a task's protected files, each a sentence naming the fix: gold.patch paths the rule
 * protects (ignored paths are checked at grading, where git's ignore rules are read). Pure.
 */
export function goldProtectedProblems(yaml: TaskYaml, goldPaths: readonly string[], testPatchPaths: readonly string[]): string[] {
  const rule = compileRule(yaml, {
    testFiles: yaml.test_files ?? DEFAULT_TEST_FILES,
    testPatchPaths,
    add: yaml.protected_files?.add ?? [],
    allow: yaml.protected_files?.allow ?? [],
    ignored: new Set(),
  });
  const problems: string[] = [];
  const hit = goldPaths.filter((p) => rule.reason(p) !== null).sort();
  if (hit.length) {
    problems.push(
      `the fix changes protected file(s) ${hit.map((p) => `${p} (${rule.reason(p)})`).join(', ')}, which grading drops from every patch, gold included; ` +
        `if the fix must change them, list them under protected_files.allow in task.yaml, else move the change out of them`,
    );
  }
  return problems;
}
