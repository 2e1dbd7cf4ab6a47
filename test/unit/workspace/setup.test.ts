import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/core/errors.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import type { ExecOptions, ExecResult, Sandbox } from '../../../src/sandbox/types.ts';
import { extractPatch } from '../../../src/workspace/extract-patch.ts';
import { runSetup, setupFailureOutput } from '../../../src/workspace/setup.ts';
import type { Workspace } from '../../../src/workspace/types.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';
import { hostRepoOf } from '../../helpers/host-repo.ts';

describe('runSetup', () => {
  const sandbox = new LocalSandbox();
  let repo: GitRepo;
  let ws: Workspace;
  const task = (setup: string) => ({ instance_id: 'demo-1', setup });

  beforeEach(async () => {
    repo = gitRepo({ 'src/a.js': 'a\n', '.gitignore': 'node_modules/\n' });
    ws = { ...(await hostRepoOf(repo.dir)), cleanup: async () => rmSync(repo.dir, { recursive: true, force: true }) };
  });
  afterEach(() => repo.cleanup());
  afterAll(() => sandbox.cleanup());

  it('runs nothing when setup is empty', async () => {
    const calls: string[] = [];
    const spy: Sandbox = {
      kind: 'local',
      exec: async (cmd: string, _o: ExecOptions): Promise<ExecResult> => {
        calls.push(cmd);
        throw new Error('unexpected');
      },
    };
    expect(await runSetup(ws, task('  '), spy)).toBeNull();
    expect(calls).toEqual([]);
  });

  it('throws InfraError with the exit status and the tail of the output when setup fails', async () => {
    const err = await runSetup(ws, task('echo installing; echo "boom: missing dep" >&2; exit 3'), sandbox).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as Error).message).toMatch(/demo-1.*exited with 3/);
    expect((err as Error).message).toContain('boom: missing dep');
  });

  it('quotes the head and the tail of a long output, whole words at both ends, and how much was left out', async () => {
    const err = (await runSetup(ws, task('echo "npm error code EUSAGE first-line"; for i in $(seq 1 2000); do echo "filler line $i"; done; echo "npm error last-line" >&2; exit 1'), sandbox).catch((e: unknown) => e)) as Error;
    const out = err.message.split('--- output ---\n')[1]!;
    expect(out.startsWith('npm error code EUSAGE first-line\n')).toBe(true);
    expect(out).toMatch(/\[\.\.\. \d+ characters elided \.\.\.\]/);
    expect(out.endsWith('--- stderr ---\nnpm error last-line\n')).toBe(true);
    expect(out.length).toBeLessThan(4200);
  });

  it('names no folder the sandbox removed when setup exited (its HOME, where npm leaves its debug log), and says those files are gone', async () => {
    const home = '/tmp/fixbench-bwrap-Ab12/home-Cd34';
    const failing: Sandbox = {
      kind: 'bwrap',
      exec: async (): Promise<ExecResult> => ({
        exitCode: 1, signal: null, timedOut: false, durationMs: 5, truncated: false, removedDirs: [home],
        stdout: '', stderr: `npm error A complete log of this run can be found in: ${home}/.npm/_logs/2026-12-06T21_50_00_000Z-debug-0.log\n`,
      }),
    };
    const msg = ((await runSetup(ws, task('npm ci'), failing).catch((e: unknown) => e)) as Error).message;
    expect(msg).not.toContain(home);
    expect(msg).toContain('found in: <setup HOME, deleted>/.npm/_logs/2026-12-06T21_50_00_000Z-debug-0.log');
    expect(msg).toMatch(/deleted when setup exited; files under it, such as a debug log, are gone/);
    // no note when no removed folder is quoted
    expect(setupFailureOutput({ stdout: 'x\n', stderr: '', removedDirs: [home] })).toBe('x\n');
  });

  it('keeps files setup created out of the extracted patch', async () => {
    await runSetup(ws, task('mkdir -p build node_modules/x && echo out > build/bundle.js && echo gen > gen.txt && echo m > node_modules/x/i.js'), sandbox);
    repo.write({ 'src/a.js': 'fixed\n' });
    const { patch } = await extractPatch(ws);
    expect(patch).toContain('+fixed\n');
    expect(patch).not.toContain('build/bundle.js');
    expect(patch).not.toContain('gen.txt');
  });

  it('still counts a new file the model creates after setup', async () => {
    await runSetup(ws, task('echo gen > gen.txt'), sandbox);
    repo.write({ 'src/new.js': 'model\n' });
    expect((await extractPatch(ws)).patch).toContain('+model\n');
  });
});
