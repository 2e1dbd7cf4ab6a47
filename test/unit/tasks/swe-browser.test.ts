// A SWE-bench task's browser: found in the published eval.sh's test command, carried by task.yaml
// (`browser`), and round-tripped through a fixbench export's `fixbench` key; never in the
// instance SWE-bench itself sees.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { instanceToTask, SweBenchInstance, taskToInstance } from '../../../src/tasks/swe-bench.ts';
import { BROWSER_CMD_RE } from '../../../src/tasks/swe-folder.ts';

const row = {
  repo: 'acme/charts', instance_id: 'acme__charts-7', base_commit: 'c'.repeat(40),
  patch: 'diff --git a/src/a.js b/src/a.js\n--- a/src/a.js\n+++ b/src/a.js\n@@ -1 +1 @@\n-a\n+b\n',
  test_patch: 'diff --git a/test/a.spec.js b/test/a.spec.js\n--- a/test/a.spec.js\n+++ b/test/a.spec.js\n@@ -1 +1 @@\n-x\n+y\n',
  problem_statement: 'Bars vanish.\n', hints_text: '', FAIL_TO_PASS: ['Chart bars draw '], PASS_TO_PASS: [], eval_type: 'fail_only',
};
const spec = { setup: 'npm ci', test_cmd: './node_modules/.bin/karma start ./karma.conf.js --single-run', test_report: 'karma', timeout_s: 600 };

describe('browser of a SWE-bench task', () => {
  it('a test command driving a browser asks for one; a Node-only one does not', () => {
    expect(BROWSER_CMD_RE.test('npm install ; npm run build ; xvfb-run --server-args="-screen 0 1280x1024x24 -ac :99" su chromeuser -c "./node_modules/.bin/karma start ./karma.conf.js --single-run"')).toBe(true);
    expect(BROWSER_CMD_RE.test('npx karma start --single-run')).toBe(true);
    expect(BROWSER_CMD_RE.test('./node_modules/.bin/jasmine --no-color --config=jasmine.json')).toBe(false);
    expect(BROWSER_CMD_RE.test('npx jest --ci')).toBe(false);
  });

  it('becomes task.yaml browser on import, and an export carries it under fixbench only', () => {
    const files = instanceToTask(SweBenchInstance.parse(row), spec, '/repos/charts', { browser: 'chromium' });
    expect(files.yaml).toMatchObject({ browser: 'chromium', eval_type: 'fail_only', ids: 'swe-bench' });
    const task = { ...files.yaml, dir: path.join('/t', row.instance_id), problem_statement: files.problem_statement, patch: files.patch, test_patch: files.test_patch };
    expect(taskToInstance(task, { withRunSpec: false, lists: 'array' })).not.toHaveProperty('browser');
    const own = taskToInstance(task, { lists: 'array' });
    expect(own.fixbench).toMatchObject({ browser: 'chromium' });
    // Read back (a fixbench export): the browser comes from the instance's own fixbench key.
    const again = instanceToTask(SweBenchInstance.parse(own), spec, '/repos/charts');
    expect(again.yaml.browser).toBe('chromium');
    expect(instanceToTask(SweBenchInstance.parse(row), spec, '/repos/charts').yaml.browser).toBeUndefined();
  });
});
