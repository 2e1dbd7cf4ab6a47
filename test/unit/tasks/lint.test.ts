import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lintTaskFiles, testIdProblem } from '../../../src/tasks/lint.ts';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-lint-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const diff = (file: string) => `diff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -1 +1 @@\n-a\n+b\n`;

describe('lintTaskFiles', () => {
  it('reports every problem of a folder at once, each with file and field', async () => {
    const dir = path.join(tmp, 'my-task');
    await mkdir(dir);
    await writeFile(
      path.join(dir, 'task.yaml'),
      [
        'instance_id: other-name',
        'repo: r',
        'base_commit: abc',
        'test_cmd: npm test',
        'test_report: tap',
        'FAIL_TO_PASS: []',
        'PASS_TO_PASS:',
        '  - "a >  > b"',
        '  - " padded"',
        '  - "x\\u001b[31m"',
        '',
      ].join('\n'),
    );
    await writeFile(path.join(dir, 'gold.patch'), 'just some text\n');
    await writeFile(path.join(dir, 'test.patch'), diff('test/a.js'));
    const { task, problems } = await lintTaskFiles(dir);
    expect(task).toBeNull();
    const lines = problems.map((p) => `${path.basename(p.file)}|${p.field}|${p.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        'problem_statement.md|null|missing; add the issue, as a user would file it',
        expect.stringMatching(/^task\.yaml\|base_commit\|must be a full commit sha/),
        expect.stringMatching(/^task\.yaml\|FAIL_TO_PASS\|list at least one test/),
        'task.yaml|instance_id|"other-name" differs from its folder name "my-task"; rename one so they match',
        expect.stringMatching(/^task\.yaml\|PASS_TO_PASS\.0\|"a >  > b" has an empty part/),
        expect.stringMatching(/^task\.yaml\|PASS_TO_PASS\.1\|" padded" has a blank/),
        expect.stringMatching(/^task\.yaml\|PASS_TO_PASS\.2\|.*control character/),
        'gold.patch|null|not a unified diff (no "diff --git" or "---/+++/@@" header); write it with git diff',
      ]),
    );
  });

  it('refuses a gold.patch that changes a file of test.patch', async () => {
    const dir = path.join(tmp, 't');
    await mkdir(dir);
    await writeFile(path.join(dir, 'task.yaml'), `instance_id: t\nrepo: r\nbase_commit: ${'a'.repeat(40)}\ntest_cmd: x\ntest_report: tap\nFAIL_TO_PASS: [a]\n`);
    await writeFile(path.join(dir, 'problem_statement.md'), 'Issue\n');
    await writeFile(path.join(dir, 'gold.patch'), diff('src/a.js') + diff('test/a.js'));
    await writeFile(path.join(dir, 'test.patch'), diff('test/a.js'));
    const { task, problems } = await lintTaskFiles(dir);
    expect(task).toBeNull();
    expect(problems.map((p) => p.message)).toEqual(['touches test file(s) that test.patch also changes: test/a.js; gold.patch holds source files only']);
  });

  it('reports a gold.patch that changes protected files, unless task.yaml allows them', async () => {
    const dir = path.join(tmp, 'p');
    await mkdir(dir);
    const yaml = `instance_id: p\nrepo: r\nbase_commit: ${'a'.repeat(40)}\ntest_cmd: x\ntest_report: tap\nFAIL_TO_PASS: [a]\n`;
    await writeFile(path.join(dir, 'task.yaml'), yaml);
    await writeFile(path.join(dir, 'problem_statement.md'), 'Issue\n');
    await writeFile(path.join(dir, 'gold.patch'), diff('src/a.js') + diff('package-lock.json') + diff('test/helper.js'));
    await writeFile(path.join(dir, 'test.patch'), diff('test/a.js'));
    const { problems } = await lintTaskFiles(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: 'protected_files' });
    expect(problems[0]!.message).toMatch(/^the fix changes protected file\(s\) package-lock\.json \(runner\), test\/helper\.js \(test\).*protected_files\.allow/);
    await writeFile(path.join(dir, 'task.yaml'), `${yaml}protected_files:\n  allow: [package-lock.json, test/helper.js]\n`);
    expect((await lintTaskFiles(dir)).problems).toEqual([]);
  });
});

describe('testIdProblem', () => {
  it('accepts full ids of every report kind', () => {
    for (const id of ['test/a.test.ts > suite > does x', 'tests/test_w.py::test_new[a-b]', 'parse > signs > a > b']) expect(testIdProblem(id)).toBeNull();
  });
});
