// SWE-bench's test assets: read from the task folder as regular files only, written into the
// workspace without following a link the code under test left there.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile, lstat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserInputError } from '../../../src/core/errors.ts';
import { readTestAssets, writeTestAssets } from '../../../src/evaluation/test-assets.ts';

let root: string;
let task: string;
let ws: string;
let outside: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'fixbench-test-assets-'));
  task = path.join(root, 'task');
  ws = path.join(root, 'ws');
  outside = path.join(root, 'outside');
  await mkdir(path.join(task, 'swe_bench', 'test_assets', 'test', 'fixtures'), { recursive: true });
  await mkdir(ws);
  await mkdir(outside);
  await writeFile(path.join(task, 'swe_bench', 'test_assets', 'test', 'fixtures', 'a.png'), Buffer.from([0x89, 0x50, 0, 255]));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('test assets', () => {
  it('none when the task has no swe_bench/test_assets/', async () => {
    expect(await readTestAssets(path.join(root, 'nothing'))).toEqual([]);
    expect(await writeTestAssets(path.join(root, 'nothing'), ws)).toEqual([]);
  });

  it('writes each file at its repository path, replacing what is there, never through a link', async () => {
    // The code under test left test/ as a link to a folder outside the workspace.
    await symlink(outside, path.join(ws, 'test'));
    const notes = await writeTestAssets(task, ws);
    expect(notes).toEqual(["test assets: wrote test/fixtures/a.png from swe_bench/test_assets/ (as SWE-bench's eval script copies them after test.patch)"]);
    expect((await lstat(path.join(ws, 'test'))).isDirectory()).toBe(true);
    expect([...(await readFile(path.join(ws, 'test', 'fixtures', 'a.png')))]).toEqual([0x89, 0x50, 0, 255]);
    await expect(lstat(path.join(outside, 'fixtures'))).rejects.toThrow();
  });

  it('refuses a link among the assets, naming it', async () => {
    await writeFile(path.join(root, 'secret'), 'host file');
    await symlink(path.join(root, 'secret'), path.join(task, 'swe_bench', 'test_assets', 'test', 'b.png'));
    await expect(readTestAssets(task)).rejects.toThrow(UserInputError);
    await expect(readTestAssets(task)).rejects.toThrow(/b\.png/);
  });
});
