// findTaskFolders: the folder scan shared by loadTasks and lintTasks.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserInputError } from '../../../src/core/errors.ts';
import { findTaskFolders } from '../../../src/tasks/folders.ts';

describe('findTaskFolders', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fixbench-folders-'));
    for (const d of ['b-2', 'a-1', 'repos', '.git', 'c-3']) await mkdir(path.join(dir, d));
    await writeFile(path.join(dir, 'README.md'), 'not a task\n');
    await symlink(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists sub-folders sorted, skipping repos/, dot-entries and files, and reports unreadable entries', async () => {
    expect(await findTaskFolders(dir)).toEqual({ folders: ['a-1', 'b-2', 'c-3'], broken: [path.join(dir, 'dangling')] });
  });

  it('keeps only the ids asked for, in folder order', async () => {
    expect((await findTaskFolders(dir, ['c-3', 'a-1'])).folders).toEqual(['a-1', 'c-3']);
  });

  it('refuses unknown ids naming them and the known tasks, and a missing folder naming it', async () => {
    await expect(findTaskFolders(dir, ['a-1', 'zz-9', 'repos'])).rejects.toThrow(/unknown task id\(s\): zz-9, repos; known tasks in .*: a-1, b-2, c-3/);
    const missing = path.join(dir, 'missing');
    await expect(findTaskFolders(missing)).rejects.toThrow(UserInputError);
    await expect(findTaskFolders(missing)).rejects.toThrow(`${missing}: task folder not found`);
  });
});
