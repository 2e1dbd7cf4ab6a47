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
