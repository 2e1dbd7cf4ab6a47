// `fixbench run` through npm (npm_command set, stderr a pipe as in a CI job): its last stderr line is
// fixbench's own exit code, since npm may exit 130 for a run that finished (newcomer17 #8); run
// directly (no npm variable), the line is not printed.
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
    expect(viaNpm.stderr.trimEnd().split('\n').at(-1)).toMatch(/^fixbench: exit 0, fixbench's own; started through npm/);
    expect(JSON.parse(await readFile(path.join(tmp, 'results', 'n1', 'run.json'), 'utf8')).status).toBe('finished');
    const direct = await runCli(args('d1'), { env: { npm_command: undefined, npm_lifecycle_event: undefined } });
    expect(direct.exitCode, direct.stderr).toBe(0);
    expect(direct.stderr).not.toContain('fixbench: exit');
  }, 300_000);
});
