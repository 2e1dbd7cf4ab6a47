// A trajectory write that fails (a full disk: ENOSPC) leaves no `.tmp` file in the run folder
// (`merge` would copy it) and the previous document in place.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Trajectory } from '../../../src/core/trajectory.ts';

let failWrites = false;
vi.mock('../../../src/store/run-fs.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../../src/store/run-fs.ts')>();
  const openInRun: typeof m.openInRun = async (...args) => {
    const fh = await m.openInRun(...args);
    if (!failWrites) return fh;
    fh.writeFile = async () => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); };
    return fh;
  };
  return { ...m, openInRun };
});
const { trajectorySink, trajectoryPath } = await import('../../../src/store/trajectory.ts');
const { COMMAND_TRAJECTORY_FORMAT } = await import('../../../src/core/trajectory.ts');

const dirs: string[] = [];
afterEach(async () => {
  failWrites = false;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('trajectorySink on a failed write', () => {
  it('regression: removes its temp file and keeps the previous document (a 0-byte .tmp was left)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fixbench-traj-'));
    dirs.push(dir);
    const ref = { contender: 'm', instance_id: 't-1', attempt: 0 };
    const sink = trajectorySink(dir, ref, (s) => s);
    const doc = (command: string) => ({
      format: COMMAND_TRAJECTORY_FORMAT, agent: 'a', model: 'm', instance_id: 't-1', command, wall_limit_ms: 1, cost_limit_usd: null,
      exit_status: null, error: null, process: null, calls: [], refusals: null, upstream_errors: null, output: null,
    }) as Trajectory;
    await sink(doc('first'));
    failWrites = true;
    await expect(sink(doc('second'))).rejects.toThrow(/ENOSPC/);
    expect(await readdir(path.dirname(trajectoryPath(dir, ref)))).toEqual(['0.json']);
    expect(JSON.parse(await readFile(trajectoryPath(dir, ref), 'utf8')).command).toBe('first');
  });
});
