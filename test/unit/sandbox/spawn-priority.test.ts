// The `warm` lane's helpers run at a lower scheduling priority (WARM_NICENESS, src/sandbox/spawn-client.ts),
// so the agents' commands in warm containers yield the cores to fixbench's event loop; the other
// lanes (tests, setup, git) keep the caller's priority. Each command prints its own niceness (`nice`).
import { getPriority, tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSpawnHelper, helperSpawn, lowerPriority, WARM_NICENESS, type SpawnLane } from '../../../src/sandbox/spawn-client.ts';

/** The niceness a command of `lane` runs at. */
function nicenessOf(lane: SpawnLane): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const handle = helperSpawn(
      // commandFd as a warm container has it: it waits on fd 4 until dispatched
      { file: '/bin/sh', args: ['-c', 'cat <&4 >/dev/null; nice'], cwd: tmpdir(), env: { PATH: '/usr/bin:/bin' }, statusFd: false, commandFd: true },
      { started: () => {}, data: (fd, c) => void (fd === 1 && (out += c.toString('utf8'))), closed: () => resolve(Number(out.trim())), failed: reject },
      lane,
    );
    handle.dispatch('', undefined);
  });
}

afterAll(() => closeSpawnHelper());

describe('spawn helper: priority by lane', () => {
  it.runIf(process.platform === 'linux')(`runs warm containers ${WARM_NICENESS} steps nicer than fixbench (at most 19), and tests at fixbench's own priority`, async () => {
    const own = getPriority();
    expect(await nicenessOf('warm')).toBe(Math.min(19, own + WARM_NICENESS));
    expect(await nicenessOf('commands')).toBe(own);
    expect(await nicenessOf('git')).toBe(own);
  });

  it('lowerPriority never throws (no pid, a process that is gone)', () => {
    expect(() => lowerPriority(undefined, 5)).not.toThrow();
    expect(() => lowerPriority(2 ** 22 + 12345, 5)).not.toThrow();
  });
});
