// The published SWE-bench task layout: eval.sh's test command, and task.yaml written as the task
// repository writes it (PyYAML's safe_dump style) when no published text was kept.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../src/config/task.ts';
import { testCommandOf, writePublishedFolder } from '../../../src/tasks/swe-folder.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-swe-folder-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('testCommandOf', () => {
  it('takes the lines between the test-output markers', () => {
    expect(testCommandOf("set -x\n: '>>>>> Start Test Output'\nnpx jasmine --no-color\n\n: '>>>>> End Test Output'\ngit checkout x\n")).toBe('npx jasmine --no-color');
    expect(testCommandOf(": '>>>>> Start Test Output'\nyarn build\nyarn test\n: '>>>>> End Test Output'\n")).toBe('yarn build\nyarn test');
    expect(testCommandOf('npm test\n')).toBeNull();
  });
});

describe('writePublishedFolder', () => {
  it('writes task.yaml sorted, lists flush with their key, quoted strings single-quoted; tests.json indented by two', async () => {
    const task = { instance_id: 'o__r-1', dir: path.join(tmp, 'none') } as TaskSpec;
    const instance = {
      repo: 'o/r', instance_id: 'o__r-1', base_commit: 'a'.repeat(40), patch: 'p', test_patch: 't', problem_statement: 's', hints_text: '',
      created_at: '2020-01-02T03:04:05Z', version: '1.10', FAIL_TO_PASS: ['x y '], PASS_TO_PASS: [], datasets: ['d/e'],
      image_assets: { patch: [], problem_statement: ['https://h/i.png'] }, eval_type: 'fail_only',
    };
    const dir = await writePublishedFolder(path.join(tmp, 'out'), task, instance);
    expect(await readFile(path.join(dir, 'task.yaml'), 'utf8')).toBe(
      `base_commit: ${'a'.repeat(40)}\ncreated_at: '2020-01-02T03:04:05Z'\ndatasets:\n- d/e\neval_type: fail_only\nimage_assets:\n  patch: []\n  problem_statement:\n  - https://h/i.png\ninstance_id: o__r-1\nrepo: o/r\nversion: '1.10'\n`,
    );
    expect(await readFile(path.join(dir, 'tests.json'), 'utf8')).toBe('{\n  "FAIL_TO_PASS": [\n    "x y "\n  ],\n  "PASS_TO_PASS": []\n}\n');
  });
});

describe('readPublishedFolders', () => {
  it('names every broken file of every folder at once', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    const { readPublishedFolders } = await import('../../../src/tasks/swe-folder.ts');
    const root = path.join(tmp, 'broken');
    await mkdir(path.join(root, 'a__b-1'), { recursive: true });
    await writeFile(path.join(root, 'a__b-1', 'task.yaml'), 'instance_id: a__b-1\n');
    await writeFile(path.join(root, 'a__b-1', 'tests.json'), '{"FAIL_TO_PASS": [');
    const r = await readPublishedFolders(root);
    expect(r.found).toEqual([]);
    const text = r.problems.join('\n');
    expect(text).toMatch(/a__b-1\/tests\.json: not valid JSON/);
    expect(text).toMatch(/a__b-1\/gold\.patch: missing/);
    expect(text).toMatch(/a__b-1\/problem_statement\.md: missing/);
    expect((await readPublishedFolders(path.join(tmp, 'out'))).found.map((f) => path.basename(f.dir))).toEqual(['o__r-1']);
    expect((await readPublishedFolders(path.join(tmp, 'none'))).problems[0]).toMatch(/cannot read the folder/);
  });
});

describe('task.yaml under ids: swe-bench', () => {
  it('refuses two listed names that are one test once blanks are trimmed', async () => {
    const { TaskYaml } = await import('../../../src/config/task.ts');
    const base = { instance_id: 'x', repo: 'r', base_commit: 'a'.repeat(40), test_cmd: 't', test_report: 'tap', ids: 'swe-bench' };
    const r = TaskYaml.safeParse({ ...base, FAIL_TO_PASS: ['s > t ', 's > t'] });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/name the same test once blanks are trimmed/);
    expect(TaskYaml.safeParse({ ...base, FAIL_TO_PASS: ['s > t '], PASS_TO_PASS: ['s > u'] }).success).toBe(true);
  });
});
