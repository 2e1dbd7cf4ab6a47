import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runShutdown } from '../../../src/core/shutdown.ts';
import { closeSpawnHelper, prestartSpawnHelpers, spawnHelperPid } from '../../../src/sandbox/spawn-client.ts';
import { runProcessGroup } from '../../../src/sandbox/spawn.ts';
import { runGit } from '../../../src/workspace/git-run.ts';
import { alive, gone } from '../../helpers/process.ts';

// A run starts its spawn helpers ahead of its first command (src/cli/main.ts), so their node
// start-up is not on the first attempt's path: the command then runs through that same helper.
describe('prestartSpawnHelpers', () => {
  it('starts the helper of each lane named, and the first command of that lane runs through it', async () => {
    prestartSpawnHelpers(['commands', 'git']);
    const commands = spawnHelperPid('commands');
    const git = spawnHelperPid('git');
    expect(commands).toBeGreaterThan(0);
    expect(git).toBeGreaterThan(0);
    expect(git).not.toBe(commands);
    expect(spawnHelperPid('warm')).toBeUndefined();
    const { result } = await runProcessGroup({ file: '/bin/echo', args: ['hi'], cwd: tmpdir(), env: {}, timeoutMs: 30_000 });
    expect(result.stdout).toBe('hi\n');
    expect((await runGit(['--version'], { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, config: [] })).toString()).toMatch(/^git version /);
    expect(spawnHelperPid('commands')).toBe(commands);
    expect(spawnHelperPid('git')).toBe(git);
    await closeSpawnHelper();
  });

  it('starts no second helper for a lane whose helper runs', async () => {
    prestartSpawnHelpers(['commands']);
    const first = spawnHelperPid('commands');
    prestartSpawnHelpers(['commands']);
    expect(spawnHelperPid('commands')).toBe(first);
    await closeSpawnHelper();
  });

  it('ends and reaps a helper that never ran a command at shutdown', async () => {
    prestartSpawnHelpers(['git']);
    const pid = spawnHelperPid('git')!;
    expect(alive(pid)).toBe(true);
    await runShutdown();
    expect(spawnHelperPid('git')).toBeUndefined();
    expect(await gone(pid)).toBe(true);
  });
});
