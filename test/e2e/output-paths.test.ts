// Output paths that cannot be written (a file where a folder is needed) end with exit 2 and a
// message naming the path, never an internal-error trace; the stored run is untouched.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { fsErrorMessage } from '../../src/cli/fs-error.ts';
import { RunWriter } from '../../src/store/store.ts';
import { makeHeader, modelContender } from '../unit/analysis/fixtures.ts';

let tmp: string;
let results: string;
let file: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-out-paths-'));
  results = path.join(tmp, 'results');
  for (const [id, shard] of [['s1', 1], ['s2', 2]] as const) {
    const w = await RunWriter.create(path.join(results, id), makeHeader({ run_id: id, suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m1')], shard: { index: shard, count: 2 } }));
    void w; // no attempts: merge checks shard membership of each, and this test is about the output path
  }
  file = path.join(tmp, 'a-file');
  await writeFile(file, 'x');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('unwritable output paths', () => {
  for (const [name, args] of [
    ['report --out', () => ['report', 's1', '--results', results, '--out', file]],
    ['report --site --out', () => ['report', '--site', results, '--out', path.join(file, 'site')]],
    ['merge <out>', () => ['merge', path.join(file, 'merged'), path.join(results, 's1'), path.join(results, 's2')]],
  ] as const) {
    it(`${name}: exit 2 naming the path, no trace`, async () => {
      const before = await readFile(path.join(results, 's1', 'run.json'), 'utf8');
      const r = await runCli(args());
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`fixbench: error: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\S*: cannot \\w+ it \\((ENOTDIR|EEXIST)`));
      expect(r.stderr).not.toContain('internal error');
      expect(await readFile(path.join(results, 's1', 'run.json'), 'utf8')).toBe(before);
    });
  }

  it('leaves other errors to the internal-error path', () => {
    expect(fsErrorMessage(new Error('boom'))).toBeNull();
    expect(fsErrorMessage(Object.assign(new Error('x'), { code: 'ERR_SOMETHING', path: '/a' }))).toBeNull();
    expect(fsErrorMessage(Object.assign(new Error('x'), { code: 'EACCES', path: '/a', syscall: 'open' }))).toContain('/a: cannot open it (EACCES: permission denied)');
  });
});

describe('merge of an unfinished shard', () => {
  it('merges, but warns that the run is not finished and how to finish it', async () => {
    const res = path.join(tmp, 'unfinished');
    for (const [id, shard, status] of [['u1', 1, 'finished'], ['u2', 2, 'running']] as const) {
      await RunWriter.create(path.join(res, id), makeHeader({ run_id: id, status, suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m1')], shard: { index: shard, count: 2 } }));
    }
    const r = await runCli(['merge', path.join(res, 'merged'), path.join(res, 'u1'), path.join(res, 'u2')]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(`warning: the merged run is "running": ${path.join(res, 'u2')} is "running"`);
    expect(r.stderr).toContain('fixbench run --resume <shard>');
  });
});

describe('report of a renamed run folder', () => {
  it('refuses to write over the report named by its run_id, unless --out is given', async () => {
    const res = path.join(tmp, 'renamed');
    await RunWriter.create(path.join(res, 'copy'), makeHeader({ run_id: 'orig', suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m1')] }));
    const r = await runCli(['report', 'copy', '--results', res, '--reports', path.join(tmp, 'reports')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('run_id is "orig" but the folder is named "copy", so its report would replace reports/orig');
    const ok = await runCli(['report', 'copy', '--results', res, '--out', path.join(tmp, 'copy-report')]);
    expect(ok.exitCode).toBe(0);
  });
});
