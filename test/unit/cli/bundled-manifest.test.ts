// The manifest of the bundled tasks (tasks/bundled-manifest.json) is what `--sandbox auto` trusts:
// it must describe the shipped tasks exactly, and any added or edited task must fall outside it.
import { cp, mkdtemp, rm, writeFile, appendFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBundledTasks, untrustedWork } from '../../../src/cli/trust.ts';
import { PACKAGE_ROOT } from '../../../src/cli/paths.ts';
import { buildManifest, MANIFEST_FILE, MANIFEST_REFRESH, readManifest, taskFolderHash, unlistedTasks } from '../../../src/tasks/bundled-manifest.ts';

const bundled = path.join(PACKAGE_ROOT, 'tasks');
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-manifest-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('tasks/bundled-manifest.json', () => {
  it('lists every bundled task with its current content hash', () => {
    const stored = readManifest(bundled);
    const now = buildManifest(bundled);
    expect(Object.keys(now.tasks).length).toBeGreaterThan(0);
    // A maintainer who adds or changes a bundled task is told how to refresh the manifest.
    expect(stored, `tasks/${MANIFEST_FILE} is missing or invalid: run \`${MANIFEST_REFRESH}\``).not.toBeNull();
    expect(stored!.tasks, `tasks/${MANIFEST_FILE} is out of date with the bundled tasks: run \`${MANIFEST_REFRESH}\` and commit it`).toEqual(now.tasks);
    expect(isBundledTasks(bundled)).toBe(true);
    expect(untrustedWork({ tasksDir: bundled })).toBeNull();
    expect(untrustedWork({ tasksDir: bundled, taskIds: ['js-csv-1'] })).toBeNull();
  });

  it('the hash changes with any edit, added file or rename in the task folder', async () => {
    const dir = path.join(tmp, 'hash', 'js-csv-1');
    await cp(path.join(bundled, 'js-csv-1'), dir, { recursive: true });
    const base = taskFolderHash(dir);
    expect(base).toBe(readManifest(bundled)!.tasks['js-csv-1']);
    await appendFile(path.join(dir, 'task.yaml'), '# edited\n');
    const edited = taskFolderHash(dir);
    expect(edited).not.toBe(base);
    await mkdir(path.join(dir, 'extra'));
    await writeFile(path.join(dir, 'extra', 'x.sh'), 'echo hi\n');
    expect(taskFolderHash(dir)).not.toBe(edited);
  });

  it('a task folder not listed, or listed with another hash, is not vouched for', async () => {
    const dir = path.join(tmp, 'suite');
    await mkdir(dir);
    await cp(path.join(bundled, 'js-csv-1'), path.join(dir, 'js-csv-1'), { recursive: true });
    await cp(path.join(bundled, 'js-csv-2'), path.join(dir, 'js-csv-2'), { recursive: true });
    await cp(path.join(bundled, 'js-csv-1'), path.join(dir, 'my-task-1'), { recursive: true });
    await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify({ format_version: 1, tasks: readManifest(bundled)!.tasks }));
    expect(unlistedTasks(dir, ['js-csv-1'])).toEqual([]);
    expect(unlistedTasks(dir)).toEqual(['my-task-1']);
    await appendFile(path.join(dir, 'js-csv-2', 'task.yaml'), 'test_cmd: sh evil.sh\n');
    expect(unlistedTasks(dir)).toEqual(['js-csv-2', 'my-task-1']);
    // no (or a broken) manifest: nothing is vouched for
    await writeFile(path.join(dir, MANIFEST_FILE), '{"format_version": 1}');
    expect(unlistedTasks(dir, ['js-csv-1'])).toEqual(['js-csv-1']);
    // a folder that is not the bundled one is never trusted, whatever its manifest says
    expect(isBundledTasks(dir, ['js-csv-1'])).toBe(false);
    expect(untrustedWork({ tasksDir: dir })).toMatch(/only the bundled tasks\/ count as trusted/);
  });
});
