// `fixbench run --created-after <date>`: only tasks whose created_at is after the date run (the
// contamination window); a window with no task is refused before anything runs.
import { mkdtempSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import type { GitRepo } from '../helpers/git-repo.ts';
import { tinyRepo, writeTinyTask } from '../helpers/tiny-task.ts';

let tmp: string;
let repo: GitRepo;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'fixbench-created-after-'));
  repo = tinyRepo();
  writeTinyTask(path.join(tmp, 'tasks'), repo, 'old-task', { yaml: { created_at: '2023-06-01' } });
  writeTinyTask(path.join(tmp, 'tasks'), repo, 'new-task', { yaml: { created_at: '2025-06-01T10:00:00Z' } });
  writeTinyTask(path.join(tmp, 'tasks'), repo, 'undated-task');
});
afterAll(async () => {
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

const run = (...args: string[]) =>
  runCli(['run', '--tasks', path.join(tmp, 'tasks'), '--no-models', '--sandbox', 'local', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--no-env-cache', ...args]);

describe('fixbench run --created-after', () => {
  it('refuses an empty window before running anything', async () => {
    const r = await run('--created-after', '2030-01-01');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--created-after 2030-01-01: no task was created after that date \(3 task\(s\), 1 without created_at\)/);
  });
  it('runs only the tasks created after the date', async () => {
    const r = await run('--created-after', '2024-12-31');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/1 task\(s\) × 2 contender/);
    expect(r.stdout + r.stderr).toMatch(/gold new-task#0: resolved/);
    expect(r.stdout + r.stderr).not.toMatch(/old-task|undated-task/);
    expect((await readdir(path.join(tmp, 'results'))).length).toBe(1);
  });
});
