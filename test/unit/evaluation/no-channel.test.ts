// A node:test run read by JUnit or TAP that no second channel fits gives no verdict (integrity.ts
// `noChannel`), also when neither the command nor the test files name node:test: a helper module
// re-exporting it, a test.patch adding only data (atkT15 #1: a wrong patch failing only in a
// describe's after() hook resolved through `./test.sh`).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { valuesAtBase } from '../../../src/evaluation/canary-elsewhere.ts';
import { reporterApartFromTests } from '../../../src/evaluation/channels.ts';
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

describe('node on test files without --test: the reporter shares the tests\' process (atkV15 #1)', () => {
  it('reporterApartFromTests holds only where every node is a `node --test` run with flags alone before --test', () => {
    const table: [string, boolean][] = [
      ['node --test', true],
      ['node --test --test-reporter=tap test/a.test.js', true],
      ['node --no-warnings --test-reporter=tap --test test/', true],
      ['node --test test/a.js && node --test test/b.js', true],
      ['cd sub && node --test', true],
      // test files run in the reporter's own process
      ['node --test-reporter=tap test/a.test.js', false],
      ['node --test-reporter=tap --import ./test/add.test.js ./test/base.test.js', false],
      ['node --test test/a.js && node --test-reporter=tap test/b.js', false],
      ['node --test --test-isolation=none test/', false],
      ['node --test --experimental-test-isolation none test/', false],
      // a script before a script argument `--test`, or a flag's value word: not told apart, so in-process (fail closed)
      ['node --test-reporter=tap a.test.js --test', false],
      ['node --import tsx --test', false],
      ['npm test', false],
    ];
    for (const [cmd, apart] of table) expect(reporterApartFromTests(cmd), cmd).toBe(apart);
  });

  it('node\'s TAP read leaves-only without a channel gives no verdict when the tests share the reporter\'s process, and keeps its verdict under node --test', async () => {
    const repo = gitRepo({ 'package.json': '{"name":"v","version":"1.0.0"}\n' });
    try {
      const test = "const { describe, it, after } = require('node:test');\nconst assert = require('node:assert');\ndescribe('math', () => { it('adds', () => assert.equal(1, 1)); });\n";
      const patch = `diff --git a/test/x.test.js b/test/x.test.js\nnew file mode 100644\n--- /dev/null\n+++ b/test/x.test.js\n@@ -0,0 +1 @@\n+x\n`;
      const rows: [string, RegExp | null][] = [
        ['node --test-reporter=tap test/x.test.js', /runs the test files in node's reporter process .*`node --test …`/],
        ['node --test --test-isolation=none --test-reporter=tap test/x.test.js', /reporter process/],
        // JUnit read from an in-process run: the same, by the better message
        ['node --test-reporter=junit --test-reporter-destination=r.xml test/x.test.js', /reporter process/],
        // two node --test runs: no channel fits, but each reporter runs apart from its tests: node's TAP is evidence
        ['node --test --test-reporter=tap test/x.test.js && node --test --test-reporter=tap test/x.test.js', null],
      ];
      for (const [cmd, why] of rows) {
        mkdirSync(path.join(repo.dir, 'test'), { recursive: true });
        writeFileSync(path.join(repo.dir, 'test/x.test.js'), test);
        const report = cmd.includes('junit') ? 'junit:r.xml' : 'tap';
        const task = { instance_id: 'v-1', test_cmd: cmd, test_report: report, test_patch: patch, FAIL_TO_PASS: ['math > adds'], PASS_TO_PASS: [] } as unknown as Parameters<typeof guardRun>[1];
        const guard = await guardRun(repo.dir, task, reportKind(report), true, null);
        if (why) {
          expect(guard.channel, cmd).toBeNull();
          expect(guard.noChannel, cmd).toMatch(why);
        } else expect(guard.noChannel, cmd).toBeNull();
      }
    } finally {
      repo.cleanup();
    }
  });
});
