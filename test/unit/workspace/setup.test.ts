import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/core/errors.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import type { ExecOptions, ExecResult, Sandbox } from '../../../src/sandbox/types.ts';
import { extractPatch } from '../../../src/workspace/extract-patch.ts';
import { runSetup } from '../../../src/workspace/setup.ts';
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
