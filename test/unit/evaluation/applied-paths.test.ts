// The backstop after a model patch is applied (trust7): whatever wrote them, a protected file the
// patch did not name or a path leading through a link or out of the checkout fails the attempt
// closed (`tampered`) before the hidden tests run. The first-line filter
// (`dropEntriesThroughCheckoutLinks`) is switched off in the evaluate test below, so the backstop
// alone has to catch GNU patch writing through a committed link.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TaskSpec } from '../../../src/config/task.ts';
import { appliedPathViolations, ignoredAfterSetup } from '../../../src/evaluation/applied-paths.ts';
import { evaluate } from '../../../src/evaluation/evaluate.ts';
import { gitBlobId } from '../../../src/evaluation/nofollow-fs.ts';
import { compileRule, DEFAULT_TEST_FILES } from '../../../src/evaluation/protected-rule.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';
import { ADD_FIXED, FIX, linkedRepo, linkedTask, SUM_TEST, type LinkedRepo } from '../../helpers/linked-repo.ts';

// The first line of defence off: every entry passes, so only the backstop stands between GNU patch and the tests.
vi.mock('../../../src/evaluation/checkout-links.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/evaluation/checkout-links.ts')>();
  return { ...real, dropEntriesThroughCheckoutLinks: async (_dir: string, patch: string) => ({ patch, unsafeEntriesDropped: 0, notes: [] }) };
});

const PLANT = 'diff --git a/lib/t/zz-helper.js b/lib/t/zz-helper.js\nnew file mode 100644\n--- /dev/null\n+++ b/lib/t/zz-helper.js\n@@ -0,0 +1 @@\n+planted\n';
const rule = compileRule({ test_cmd: 'node --test test/' }, { testFiles: DEFAULT_TEST_FILES, testPatchPaths: [], add: [], allow: [], ignored: new Set() });
const base = new Map([['test/sum.test.js', { mode: '100644', id: gitBlobId(Buffer.from(SUM_TEST)) }]]);

describe('appliedPathViolations', () => {
  let fx: LinkedRepo;
  beforeAll(() => {
    fx = linkedRepo();
  });
  afterAll(() => fx.cleanup());
  afterEach(() => {
    fx.repo.git('reset', '--quiet', '--hard');
    fx.repo.git('clean', '-fdq');
    cleanupHostRepos();
  });

  it('names nothing for a plain fix, links committed in the tree or not', async () => {
    writeFileSync(join(fx.repo.dir, 'src/add.js'), ADD_FIXED);
    expect(await appliedPathViolations(await hostRepoOf(fx.repo.dir), { rule, base }, ['src/add.js'], new Set())).toEqual([]);
  });

  it('names a protected file the patch did not name (written through lib/t -> ../test)', async () => {
    writeFileSync(join(fx.repo.dir, 'test/zz-helper.js'), 'planted\n');
    expect(await appliedPathViolations(await hostRepoOf(fx.repo.dir), { rule, base }, ['lib/t/zz-helper.js'], new Set())).toEqual([
      '"test/zz-helper.js" is a protected file (test) the patch\'s entries did not name',
      'the patch\'s path "lib/t/zz-helper.js" runs through "lib/t", a symlink, to "test/zz-helper.js"',
    ]);
  });

  it('names a changed protected file, but not one put back at its base_commit state', async () => {
    writeFileSync(join(fx.repo.dir, 'test/sum.test.js'), 'forged\n');
    expect(await appliedPathViolations(await hostRepoOf(fx.repo.dir), { rule, base }, [], new Set())).toEqual(['"test/sum.test.js" is a protected file (test) the patch\'s entries did not name']);
    writeFileSync(join(fx.repo.dir, 'test/sum.test.js'), SUM_TEST);
    expect(await appliedPathViolations(await hostRepoOf(fx.repo.dir), { rule, base }, [], new Set())).toEqual([]);
  });

  it('regression atkA7: sees files a planted .gitignore hides (its rules come from the patched tree), but not what was ignored after setup', async () => {
    const repo = await hostRepoOf(fx.repo.dir);
    mkdirSync(join(fx.repo.dir, 'node_modules/pkg'), { recursive: true });
    writeFileSync(join(fx.repo.dir, '.git/info/exclude'), 'node_modules/\n');
    writeFileSync(join(fx.repo.dir, 'node_modules/pkg/index.js'), 'x\n');
    const before = await ignoredAfterSetup(repo);
    expect([...before]).toEqual(['node_modules/']);
    writeFileSync(join(fx.repo.dir, 'test/.gitignore'), '*\n');
    writeFileSync(join(fx.repo.dir, 'test/aa.test.js'), 'planted\n');
    mkdirSync(join(fx.repo.dir, 'src/gen'));
    writeFileSync(join(fx.repo.dir, 'src/gen/.gitignore'), '*\n');
    writeFileSync(join(fx.repo.dir, 'src/.gitignore'), 'gen/\n');
    writeFileSync(join(fx.repo.dir, 'src/gen/lnk'), '');
    rmSync(join(fx.repo.dir, 'src/gen/lnk'));
    (await import('node:fs')).symlinkSync('../../out', join(fx.repo.dir, 'src/gen/lnk'));
    try {
      expect(await appliedPathViolations(repo, { rule, base }, [], before)).toEqual([
        '"src/.gitignore" is a protected file (runner) the patch\'s entries did not name',
        '"src/gen/.gitignore" is a protected file (runner) the patch\'s entries did not name',
        '"src/gen/lnk" leads out of the checkout through "out"',
        '"test/.gitignore" is a protected file (test) the patch\'s entries did not name',
        '"test/aa.test.js" is a protected file (test) the patch\'s entries did not name',
      ]);
    } finally {
      rmSync(join(fx.repo.dir, 'node_modules'), { recursive: true, force: true });
      for (const f of ['src/gen', 'src/.gitignore', 'test/.gitignore', 'test/aa.test.js']) rmSync(join(fx.repo.dir, f), { recursive: true, force: true });
      writeFileSync(join(fx.repo.dir, '.git/info/exclude'), '');
    }
  });

  it('names a path that leads out of the checkout, through an absolute or a relative link', async () => {
    const out = await appliedPathViolations(await hostRepoOf(fx.repo.dir), { rule, base }, ['out/new.js', 'up/keep.txt'], new Set());
    expect(out).toEqual(['the patch\'s path "out/new.js" leads out of the checkout through "out"', 'the patch\'s path "up/keep.txt" leads out of the checkout through "up"']);
  });

  it('names a new link (untracked) that leads to a protected file or out', async () => {
    mkdirSync(join(fx.repo.dir, 'src/more'));
    const { symlinkSync } = await import('node:fs');
    symlinkSync('../../lib/cfg.js', join(fx.repo.dir, 'src/more/l1'));
    symlinkSync('../../out', join(fx.repo.dir, 'src/more/l2'));
    expect(await appliedPathViolations(await hostRepoOf(fx.repo.dir), { rule, base }, [], new Set())).toEqual([
      '"src/more/l1" is a link to "test/sum.test.js", a protected file',
      '"src/more/l2" leads out of the checkout through "out"',
    ]);
  });
});

describe('evaluate with the first filter off: the backstop alone', () => {
  let fx: LinkedRepo;
  let root: string;
  let task: TaskSpec;
  let run: (modelPatch: string) => ReturnType<typeof evaluate>;
  const sandbox = new LocalSandbox();
  beforeAll(() => {
    fx = linkedRepo();
    root = mkdtempSync(join(tmpdir(), 'fixbench-backstop-'));
    ({ task, run } = linkedTask(fx, root, sandbox, { removeWorkspace: false }));
  });
  afterAll(async () => {
    await sandbox.cleanup();
    fx.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('the fix alone resolves (the control)', async () => {
    expect((await run(FIX)).outcome).toBe('resolved');
  });

  it('a fix plus a file GNU patch writes through lib/t into test/ is tampered, before the tests run', async () => {
    const res = await run(FIX + PLANT);
    expect(res).toMatchObject({ outcome: 'tampered', apply_strategy: 'patch --fuzz', test_ms: 0 });
    expect(res.error).toContain('"test/zz-helper.js" is a protected file (test)');
    expect(existsSync(join(fx.repo.dir, 'test', 'zz-helper.js'))).toBe(false); // the task's own repository is untouched
  });
});
