// Name-reading modules are read only where base_commit or test.patch holds them (integrity.ts atBase):
// a file the patch added that a specifier may stand for must not leave the hosts uncopied (atkF21 C).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { baseTextOf, filesAtBase } from '../../../src/evaluation/canary-listed-hosts.ts';
import { guardRun } from '../../../src/evaluation/integrity.ts';
import { reportKind } from '../../../src/evaluation/parse/index.ts';
import { gitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';

afterAll(() => cleanupHostRepos());

describe('guardRun reads name-reading modules only as base_commit or test.patch holds them (atkF21 C)', () => {
  it('a file the patch added that a specifier may stand for (index.ts beside package.json main) does not leave the hosts uncopied', async () => {
    const host = "import { expect, it } from 'vitest';\nimport { add } from '..';\nit('adds one', () => {\n  expect(add(1, 1)).toBe(2);\n});\nit('adds two', () => {\n  expect(add(2, 2)).toBe(4);\n});\n";
    const repo = gitRepo({ 'test/a.test.ts': host, 'index.js': 'exports.add = (a, b) => a + b;\n', 'package.json': '{"main":"index.js"}' });
    const tree = new Map(execFileSync('git', ['ls-tree', '-r', repo.head], { cwd: repo.dir, encoding: 'utf8' }).trim().split('\n').map((l) => {
      const m = /^(\d+) blob ([0-9a-f]+)\t(.+)$/.exec(l)!;
      return [m[3]!, { mode: m[1]!, id: m[2]! }] as const;
    }));
    writeFileSync(join(repo.dir, 'index.ts'), '// expect.getState() decoy: never loaded\n');
    const ws = await hostRepoOf(repo.dir);
    const task = { instance_id: 'ts-1', test_cmd: 'npx vitest run', test_report: 'vitest-json:r.json', test_patch: '', FAIL_TO_PASS: ['test/a.test.ts > adds one'], PASS_TO_PASS: ['test/a.test.ts > adds two'], problem_statement: '' } as unknown as Parameters<typeof guardRun>[1];
    const withBase = await guardRun(repo.dir, task, reportKind('vitest-json:r.json'), true, null, undefined, undefined, undefined, { files: filesAtBase(ws, repo.head), text: baseTextOf(ws, tree) });
    expect(withBase.plan!.kind).toBe('mutated');
    expect(withBase.plan!.tests.some((t) => t.original !== undefined)).toBe(true);
    // without base_commit's tree (`tasks lint`, unit tests) every file is read: the decoy counts
    expect((await guardRun(repo.dir, task, reportKind('vitest-json:r.json'), true, null)).plan!.kind).toBe('synthetic');
  });
});
