// A node:test run read by JUnit or TAP that no second channel fits gives no verdict (integrity.ts
// `noChannel`), also when neither the command nor the test files name node:test: a helper module
// re-exporting it, a test.patch adding only data (atkT15 #1: a wrong patch failing only in a
// describe's after() hook resolved through `./test.sh`).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { valuesAtBase } from '../../../src/evaluation/canary-elsewhere.ts';
import { guardRun } from '../../../src/evaluation/integrity.ts';
import { reportKind } from '../../../src/evaluation/parse/index.ts';
import { gitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';

afterAll(cleanupHostRepos);

const HELPERS = "export { describe, it, after } from 'node:test';\n";
const TEST = "import { describe, it } from './helpers.mjs';\nimport assert from 'node:assert';\ndescribe('pool', () => { it('takes', () => assert.equal(1, 1)); });\n";

describe('noChannel when the runner is known from no command', () => {
  it('a helper module at base_commit re-exporting node:test, or a data-only test.patch, still gives no verdict; a vitest repository whose README names node:test in prose does not (atkU15 #2)', async () => {
    for (const [helpers, expected] of [[HELPERS, true], ["export { describe, it } from 'vitest';\n", false]] as const) {
      const repo = gitRepo({ 'README.md': 'We do not use node:test (we support Node 14).\n', 'test.sh': 'exec node --test --test-reporter=junit --test-reporter-destination=report.xml test/\n', 'test/helpers.mjs': helpers, 'test/a.test.mjs': TEST });
      const ws = await hostRepoOf(repo.dir);
      for (const [file, text] of [['test/b.test.mjs', TEST], ['test/cases.json', '[1]\n']] as const) {
        writeFileSync(path.join(repo.dir, file), text);
        const patch = `diff --git a/${file} b/${file}\nnew file mode 100644\n--- /dev/null\n+++ b/${file}\n@@ -0,0 +1 @@\n+x\n`;
        const task = { instance_id: 'p-1', test_cmd: './test.sh', test_report: 'junit:report.xml', test_patch: patch, FAIL_TO_PASS: ['pool > takes'], PASS_TO_PASS: [] } as unknown as Parameters<typeof guardRun>[1];
        const guard = await guardRun(repo.dir, task, reportKind('junit:report.xml'), true, null, undefined, undefined, valuesAtBase(ws, ws.baseCommit));
        expect(guard.noChannel !== null, `${helpers} ${file}`).toBe(expected);
      }
    }
  });
});
