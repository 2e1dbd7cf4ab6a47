// Test helper: three in-process tasks (`tiny-a`, `tiny-b`, `tiny-c`) on one ESM repository whose `add`
// subtracts; gold fixes it; the hidden node:test test (`adds`, JUnit at report.xml) waits `waitMs`
// before asserting, so a scheduler's overlap of attempts and tests is visible. Used by the runner's
// pool and pipeline tests.
import { join } from 'node:path';
import type { TaskSpec } from '../../src/config/task.ts';
import { gitRepo, patchFor, type GitRepo } from './git-repo.ts';

/** The repository and its three tasks (task folders under `<root>/tasks/`, not written: the specs are used in process). */
export function slowAddTasks(root: string, waitMs: number): { repo: GitRepo; tasks: TaskSpec[] } {
  const repo = gitRepo({ 'package.json': '{ "type": "module" }\n', 'src/add.js': 'export const add = (a, b) => a - b;\n' });
  const gold = patchFor(repo, { 'src/add.js': 'export const add = (a, b) => a + b;\n' });
  const testPatch = patchFor(repo, {
    'test/add.test.js':
      "import { it } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/add.js';\n" +
      `it('adds', async () => { await new Promise((r) => setTimeout(r, ${waitMs})); assert.equal(add(2, 3), 5); });\n`,
  });
  const tasks: TaskSpec[] = ['a', 'b', 'c'].map((n) => ({
    instance_id: `tiny-${n}`, repo: repo.dir, base_commit: repo.commits[0]!, setup: '',
    test_cmd: 'node --test --test-reporter=junit --test-reporter-destination=report.xml', test_report: 'junit:report.xml',
    FAIL_TO_PASS: ['adds'], PASS_TO_PASS: [], timeout_s: 60, tags: [], dir: join(root, 'tasks', `tiny-${n}`),
    problem_statement: 'add subtracts', patch: gold, test_patch: testPatch,
  }));
  return { repo, tasks };
}
