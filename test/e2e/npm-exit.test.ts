// `fixbench run` through npm (npm_command set, stderr a pipe as in a CI job): its last stderr line is
// fixbench's own exit code, since npm may exit 130 for a run that finished (newcomer17 #8), an early
// input error included; not for `--dry-run`, nor run directly (no npm variable).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-npm-exit-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('fixbench run started through npm', () => {
  it('ends with fixbench\'s own exit code; not without npm', async () => {
    const args = (id: string) => ['run', '--task', 'js-duration-1', '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', id];
    const viaNpm = await runCli(args('n1'), { env: { npm_command: 'exec', npm_lifecycle_event: undefined } });
    expect(viaNpm.exitCode, viaNpm.stderr).toBe(0);
    expect(viaNpm.stderr.trimEnd().split('\n').at(-1)).toBe("fixbench: exit 0 (fixbench's own; npm may report 130 when it alone was signalled: README § The command, exit codes)");
    expect(JSON.parse(await readFile(path.join(tmp, 'results', 'n1', 'run.json'), 'utf8')).status).toBe('finished');
    const direct = await runCli(args('d1'), { env: { npm_command: undefined, npm_lifecycle_event: undefined } });
    expect(direct.exitCode, direct.stderr).toBe(0);
    expect(direct.stderr).not.toContain('fixbench: exit');
  }, 300_000);
  it('ends an early input error with it too; a --dry-run without it', async () => {
    const env = { npm_command: undefined, npm_lifecycle_event: 'start' };
    const early = await runCli(['run', '--models', 'nonexistent', '--results', path.join(tmp, 'results')], { env });
    expect(early.exitCode, early.stderr).toBe(2);
    expect(early.stderr).toContain('fixbench: error:');
    expect(early.stderr.trimEnd().split('\n').at(-1)).toMatch(/^fixbench: exit 2 \(fixbench's own; /);
    const dry = await runCli(['run', '--dry-run', '--task', 'js-duration-1', '--results', path.join(tmp, 'results')], { env });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stderr + dry.stdout).not.toContain('fixbench: exit');
  }, 120_000);
});
