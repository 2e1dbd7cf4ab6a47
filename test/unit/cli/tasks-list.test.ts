// `fixbench tasks list` with a broken task among good ones: the good ones are listed, each bad one
// is named with its problem (file and field), and the exit code says something is wrong.
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tasksListCommand } from '../../../src/cli/tasks.ts';
import { PACKAGE_ROOT } from '../../../src/cli/paths.ts';

let tmp: string;
let good: string[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-tasks-list-'));
  const bundled = path.join(PACKAGE_ROOT, 'tasks');
  good = (await readdir(bundled, { withFileTypes: true })).filter((e) => e.isDirectory() && e.name !== 'repos').map((e) => e.name).slice(0, 2);
  for (const id of good) await cp(path.join(bundled, id), path.join(tmp, id), { recursive: true });
  await cp(path.join(bundled, good[0]!), path.join(tmp, 'aaa-bad'), { recursive: true }); // sorts first: it used to hide the rest
  await writeFile(path.join(tmp, 'aaa-bad', 'task.yaml'), 'instance_id: aaa-bad\nrepo: x\n');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function list(json = false) {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  try {
    const code = await tasksListCommand({ tasks: tmp, json });
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('tasks list with an invalid task', () => {
  it('lists the good tasks and names the bad one with its file, field and problem; exit 2', async () => {
    const r = await list();
    expect(r.code).toBe(2);
    for (const id of good) expect(r.stdout).toContain(id);
    expect(r.stdout).not.toContain('aaa-bad');
    expect(r.stderr).toMatch(/^1 invalid task\(s\), not listed \(`fixbench tasks lint` checks them all\):\n {2}aaa-bad:\n {4}.*aaa-bad\/task\.yaml is invalid:\n {6}- base_commit: missing required field/);
  });

  it('--json prints the good tasks only, as before', async () => {
    const r = await list(true);
    expect(r.code).toBe(2);
    expect((JSON.parse(r.stdout) as { instance_id: string }[]).map((t) => t.instance_id)).toEqual(good);
    expect(r.stderr).toMatch(/aaa-bad/);
  });
});
