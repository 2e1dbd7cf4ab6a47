// A failed `git add` during extraction is a failure, not an empty patch: ENOSPC/EDQUOT goes to the
// full-disk verdict (the agent's when its workspace grew by more than half of what was free, else
// the harness's); any other failure is an InfraError; only git's per-path "unable to index"/"could
// not add" errors (a file the model made unreadable) are tolerated.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// `addOutput`: the output `git add` "fails" with (the real add runs first).
vi.mock('../../../src/workspace/git.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../../src/workspace/git.ts')>();
  const gitTry: typeof m.gitTry = async (git, args) => {
    const real = await m.gitTry(git, args);
    const out = (globalThis as { addOutput?: string }).addOutput;
    return args[0] === 'add' && out !== undefined ? { ok: false, output: out } : real;
  };
  return { ...m, gitTry };
});
const { addFailure, extractPatch, WorkspaceOverflowError } = await import('../../../src/workspace/extract-patch.ts');
const { isNoSpace } = await import('../../../src/workspace/disk-fill.ts');
const { InfraError } = await import('../../../src/core/errors.ts');
const { gitRepo } = await import('../../helpers/git-repo.ts');
const { cleanupHostRepos, hostRepoOf } = await import('../../helpers/host-repo.ts');

const setAdd = (out: string | undefined) => ((globalThis as { addOutput?: string }).addOutput = out);
const outcome = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

describe('extractPatch when git add fails', () => {
  let repo: ReturnType<typeof gitRepo>;
  beforeEach(() => {
    repo = gitRepo({ 'a.txt': 'a\n' });
  });
  afterEach(() => {
    setAdd(undefined);
    repo.cleanup();
    cleanupHostRepos();
  });

  it('regression: ENOSPC in git add runs the full-disk verdict (it returned an empty patch: empty_patch, blamed on the model)', async () => {
    const host = await hostRepoOf(repo.dir);
    const before = Date.now() - 1;
    writeFileSync(join(repo.dir, 'a.txt'), 'b\n');
    setAdd('fatal: unable to write loose object file: No space left on device\n');
    // the workspace barely grew: the harness's (an error, not an empty patch)
    const harness = await outcome(extractPatch(host, { freeBytes: 1 << 30, freeFiles: 1e6, totalFiles: 2e6, at: before }));
    expect(harness).toBeInstanceOf(Error);
    expect(harness).not.toBeInstanceOf(WorkspaceOverflowError);
    expect(isNoSpace(harness)).toBe(true);
    // it grew by more than half of what was free: the agent's
    writeFileSync(join(repo.dir, 'fill'), Buffer.alloc(2 << 20, 1));
    setAdd('error: unable to create temporary file: Disk quota exceeded\nerror: fill: failed to insert into database\nerror: unable to index file \'fill\'\n');
    const agent = await outcome(extractPatch(host, { freeBytes: 1 << 20, freeFiles: 1e6, totalFiles: 2e6, at: before }));
    expect(agent).toBeInstanceOf(WorkspaceOverflowError);
  });

  it('regression: any other failure of git add is an infra error (it returned an empty patch)', async () => {
    const host = await hostRepoOf(repo.dir);
    writeFileSync(join(repo.dir, 'a.txt'), 'b\n');
    for (const out of ["fatal: Unable to create '/x/index.lock': File exists.\n", 'fatal: unable to write new index file\n', '']) {
      setAdd(out);
      const err = await outcome(extractPatch(host, null));
      expect(err).toBeInstanceOf(InfraError);
      expect(isNoSpace(err)).toBe(false);
    }
  });

  it('a changed name with a line break (which could forge a line of git output) is the agent\'s fault, never an infra error', async () => {
    const host = await hostRepoOf(repo.dir);
    mkdirSync(join(repo.dir, 'd\nfatal: boom'));
    writeFileSync(join(repo.dir, 'd\nfatal: boom', 'x'), 'x\n');
    setAdd("error: invalid path 'd\nfatal: boom/.GIT/config'\n");
    expect(await outcome(extractPatch(host, null))).toBeInstanceOf(WorkspaceOverflowError);
  });

  it("tolerates git's per-path errors (a file the model made unreadable): the rest is extracted", async () => {
    const host = await hostRepoOf(repo.dir);
    writeFileSync(join(repo.dir, 'a.txt'), 'b\n');
    setAdd('error: open("locked"): Permission denied\nerror: unable to index file \'locked\'\nwarning: could not open directory \'d/\': Permission denied\n');
    const got = await extractPatch(host, null);
    expect(got.patch).toMatch(/\+b/);
    expect(() => addFailure("error: open(\"x\"): Permission denied\nerror: unable to index file 'x'\nfatal: something else\n")).toThrow(InfraError);
    // a file the model named like git's full-disk words is still only a per-path error (no full-disk verdict, no re-roll)
    expect(() => addFailure("error: open(\"No space left on device\"): Permission denied\nerror: unable to index file 'ENOSPC Disk quota exceeded'\n")).not.toThrow();
  });
});
