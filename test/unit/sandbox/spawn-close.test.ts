import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { onShutdown, runShutdown } from '../../../src/core/shutdown.ts';
import { closeSpawnHelper, spawnHelperPid } from '../../../src/sandbox/spawn-client.ts';
import { runProcessGroup } from '../../../src/sandbox/spawn.ts';
import { alive } from '../../helpers/process.ts';

/** CPU time (ms, user + system) of this process's children that it has reaped: /proc/self/stat cutime + cstime. */
function reapedChildrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17, in clock ticks (100 per second)
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

// The spawn helper is ended and reaped when a command ends, so nothing outlives fixbench and the
// CPU of the commands it ran counts in fixbench's process tree (the concurrency bench reads it).
describe('closing the spawn helper', () => {
  it('reaps the helper at shutdown: it is gone and its children CPU is accounted to this process', async () => {
    const burnMs = 300;
    const before = reapedChildrenCpuMs();
    const burn = `const t = process.cpuUsage(); for (;;) { const u = process.cpuUsage(t); if (u.user + u.system >= ${burnMs * 1000}) break; }`;
    const { result } = await runProcessGroup({ file: process.execPath, args: ['-e', burn], cwd: tmpdir(), env: {}, timeoutMs: 60_000 });
    expect(result.exitCode).toBe(0);
    const helper = spawnHelperPid();
    expect(helper).toBeGreaterThan(0);
    // not yet reaped: the helper's children's CPU is not this process's yet
    expect(reapedChildrenCpuMs() - before).toBeLessThan(burnMs);
    await runShutdown();
    expect(spawnHelperPid()).toBeUndefined();
    expect(alive(helper!)).toBe(false);
    expect(reapedChildrenCpuMs() - before).toBeGreaterThanOrEqual(burnMs);
  });

  it('SIGKILLs a helper that does not exit within the grace period, and a later command starts a fresh one', async () => {
    const { result } = await runProcessGroup({ file: '/bin/true', args: [], cwd: tmpdir(), env: {}, timeoutMs: 30_000 });
    expect(result.exitCode).toBe(0);
    const helper = spawnHelperPid()!;
    process.kill(helper, 'SIGSTOP'); // a stopped helper cannot read its closed input
    await closeSpawnHelper(50);
    expect(alive(helper)).toBe(false);
    const again = await runProcessGroup({ file: '/bin/echo', args: ['again'], cwd: tmpdir(), env: {}, timeoutMs: 30_000 });
    expect(again.result.stdout).toBe('again\n');
    expect(spawnHelperPid()).not.toBe(helper);
    await closeSpawnHelper();
  });

  it('the CLI runs the shutdown steps before it returns, whatever the command', async () => {
    let ran = 0;
    onShutdown(async () => {
      ran++;
    });
    expect(await main(['--version'])).toBe(0);
    expect(ran).toBe(1);
  });
});
