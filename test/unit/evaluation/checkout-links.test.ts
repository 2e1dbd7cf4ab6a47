// Links a task's repository already commits (trust7): a model patch's entry that meets one is
// dropped before git apply or GNU patch sees it, and nothing is written through it — into the
// protected test folder, through a link to a link, a `..` chain, or out of the checkout.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyPatch, type ApplyStrategy } from '../../../src/evaluation/apply-patch.ts';
import { dropEntriesThroughCheckoutLinks, resolveInCheckout } from '../../../src/evaluation/checkout-links.ts';
import { evaluate } from '../../../src/evaluation/evaluate.ts';
import type { TaskSpec } from '../../../src/config/task.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { testGitEnv } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';
import { ADD_FIXED, FIX, linkedRepo, linkedTask, SUM_TEST, type LinkedRepo } from '../../helpers/linked-repo.ts';

const create = (p: string, header = `diff --git a/${p} b/${p}\n`): string => `${header}new file mode 100644\n--- /dev/null\n+++ b/${p}\n@@ -0,0 +1 @@\n+planted\n`;
const sumLines = SUM_TEST.trimEnd().split('\n');

/** One hostile entry per way through a committed link (each appended to the real fix). */
const HOSTILE: [name: string, entry: string][] = [
  ['a new file through a relative link into test/', create('lib/t/zz-helper.js')],
  ['a new file through a link to a link', create('lib/tt/zz-helper.js')],
  ['a new file through a link to the root, then test/ (a `..` chain)', create('docs/x/test/zz-helper.js')],
  ['a plain diff whose new name runs through the link', `--- a/lib/none.js\n+++ b/lib/t/zz-helper.js\n@@ -0,0 +1 @@\n+planted\n`],
  ['a quoted, octal-escaped path through the link', create('lib/t/zz-helper.js', 'diff --git "a/lib\\057t/zz-helper.js" "b/lib\\057t/zz-helper.js"\n').replace('+++ b/lib/t/', '+++ "b/lib\\057t/').replace('zz-helper.js\n@@', 'zz-helper.js"\n@@')],
  ['a deletion of a test file through the link', `diff --git a/lib/t/sum.test.js b/lib/t/sum.test.js\ndeleted file mode 100644\n--- a/lib/t/sum.test.js\n+++ /dev/null\n@@ -1,${sumLines.length} +0,0 @@\n${sumLines.map((l) => `-${l}`).join('\n')}\n`],
  ['a rename into the linked folder', 'diff --git a/lib/keep.js b/lib/t/keep.js\nsimilarity index 100%\nrename from lib/keep.js\nrename to lib/t/keep.js\n'],
  ['a text change of a link to a test file (the last component)', `--- a/lib/cfg.js\n+++ b/lib/cfg.js\n@@ -1,${sumLines.length} +1,${sumLines.length} @@\n${sumLines.slice(0, -1).map((l) => ` ${l}`).join('\n')}\n-${sumLines.at(-1)}\n+test('adds', () => {});\n`],
  ['a new file through an absolute link out of the tree', create('out/new.js')],
  ['a change to a host file through a relative link out of the tree', '--- a/up/keep.txt\n+++ b/up/keep.txt\n@@ -1 +1 @@\n-host data\n+forged\n'],
  // atkA7: GNU patch skips the blanks before a quoted name and unquotes it; git apply (and every check before) read a literal name.
  ['regression atkA7: two blanks before a quoted, octal-escaped name through the link', '--- /dev/null\n+++  "b/lib\\057t\\057aa\\056test\\056js"\n@@ -0,0 +1 @@\n+planted\n'],
  ['a new link whose target runs through a committed link', 'diff --git a/src/l b/src/l\nnew file mode 120000\n--- /dev/null\n+++ b/src/l\n@@ -0,0 +1 @@\n+../docs/x/test\n\\ No newline at end of file\n'],
];

describe('entries meeting a symlink the checkout already holds', () => {
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
  const testDir = (): Record<string, string> => Object.fromEntries(readdirSync(join(fx.repo.dir, 'test')).map((f) => [f, readFileSync(join(fx.repo.dir, 'test', f), 'utf8')]));
  const status = (): string => fx.repo.git('status', '--porcelain', '--untracked-files=all');

  for (const strategies of [undefined, ['patch --fuzz']] as (readonly ApplyStrategy[] | undefined)[]) {
    const via = strategies ? 'GNU patch alone' : 'the whole chain (git apply first)';
    for (const [name, entry] of HOSTILE) {
      it(`${name}: dropped, the fix applied, nothing written through the link (${via})`, async () => {
        const res = await applyPatch(await hostRepoOf(fx.repo.dir), FIX + entry, strategies ? { strategies } : {});
        expect(res.log).toMatch(/unsafe entry: dropped the change to .*(a symlink in the checkout|name different files|starting with a blank)/);
        expect(res).toMatchObject({ ok: true, unsafeEntriesDropped: 1, strategy: strategies ? 'patch --fuzz' : 'git apply' });
        expect(readFileSync(join(fx.repo.dir, 'src/add.js'), 'utf8')).toBe(ADD_FIXED);
        expect(testDir()).toEqual({ 'sum.test.js': SUM_TEST });
        expect(fx.hostFiles()).toEqual({ 'keep.txt': 'host data\n' });
        expect(status()).toBe(' M src/add.js\n');
      });
    }
  }

  it('keeps what git writes for a link that became a file (the link deleted, then a file made in its place)', async () => {
    const dir = fx.repo.dir;
    execFileSync('sh', ['-c', 'rm lib/cfg.js && printf "module.exports = {};\\n" > lib/cfg.js && git add -A'], { cwd: dir, env: testGitEnv() });
    const patch = fx.repo.git('diff', '--cached', '--no-color', 'HEAD');
    fx.repo.git('reset', '--quiet', '--hard');
    expect((await dropEntriesThroughCheckoutLinks(dir, patch)).unsafeEntriesDropped).toBe(0);
    const res = await applyPatch(await hostRepoOf(dir), patch);
    expect(res).toMatchObject({ ok: true, strategy: 'git apply', unsafeEntriesDropped: 0 });
    expect(lstatSync(join(dir, 'lib/cfg.js')).isFile()).toBe(true);
    expect(testDir()).toEqual({ 'sum.test.js': SUM_TEST });
  });

  it('keeps a committed link pointed somewhere else inside the tree (a symlink entry changing the link itself)', async () => {
    const patch = 'diff --git a/lib/t b/lib/t\nindex 0000001..0000002 120000\n--- a/lib/t\n+++ b/lib/t\n@@ -1 +1 @@\n-../test\n\\ No newline at end of file\n+../src\n\\ No newline at end of file\n';
    expect(await dropEntriesThroughCheckoutLinks(fx.repo.dir, patch)).toMatchObject({ patch, unsafeEntriesDropped: 0 });
  });

  it('resolves a path through the checkout\'s links as the kernel would, and says when one leads out', async () => {
    const dir = fx.repo.dir;
    expect(await resolveInCheckout(dir, 'lib/t/zz.js')).toEqual({ inside: true, rel: 'test/zz.js', links: ['lib/t'] });
    expect(await resolveInCheckout(dir, 'lib/tt/zz.js')).toEqual({ inside: true, rel: 'test/zz.js', links: ['lib/tt', 'lib/t'] });
    expect(await resolveInCheckout(dir, 'docs/x/docs/x/test')).toEqual({ inside: true, rel: 'test', links: ['docs/x', 'docs/x'] });
    expect(await resolveInCheckout(dir, 'lib/cfg.js')).toEqual({ inside: true, rel: 'test/sum.test.js', links: ['lib/cfg.js'] });
    expect(await resolveInCheckout(dir, 'src/missing/deeper.js')).toEqual({ inside: true, rel: 'src/missing/deeper.js', links: [] });
    expect(await resolveInCheckout(dir, 'out/new.js')).toMatchObject({ inside: false, rel: null });
    expect(await resolveInCheckout(dir, 'up/keep.txt')).toMatchObject({ inside: false, rel: null });
    expect(await resolveInCheckout(dir, 'docs/x/..')).toMatchObject({ inside: false });
    symlinkSync(join(dir, 'test'), join(dir, 'src/abs-in')); // an absolute link back into the checkout
    expect(await resolveInCheckout(dir, 'src/abs-in/zz.js')).toEqual({ inside: true, rel: 'test/zz.js', links: ['src/abs-in'] });
    rmSync(join(dir, 'src/abs-in'));
  });

  it('regression atkA7: a path the file system refuses by its shape (a 300-byte name) is nothing there, never a thrown error (infra_error)', async () => {
    const long = `src/${'x'.repeat(300)}`;
    expect(await resolveInCheckout(fx.repo.dir, long)).toEqual({ inside: true, rel: long, links: [] });
  });
});

describe('evaluate on a task whose repository commits such links', () => {
  let fx: LinkedRepo;
  let root: string;
  let task: TaskSpec;
  let run: (modelPatch: string) => ReturnType<typeof evaluate>;
  const sandbox = new LocalSandbox();
  beforeAll(() => {
    fx = linkedRepo();
    root = mkdtempSync(join(tmpdir(), 'fixbench-linked-eval-'));
    ({ task, run } = linkedTask(fx, root, sandbox));
  });
  afterAll(async () => {
    await sandbox.cleanup();
    fx.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('grades the fix with the entry through lib/t dropped and counted, never planted', async () => {
    const res = await run(FIX + HOSTILE[0]![1]);
    expect(res).toMatchObject({ outcome: 'resolved', apply_strategy: 'git apply', unsafe_entries_dropped: 1 });
    expect(res.apply_log).toContain('unsafe entry: dropped the change to "lib/t/zz-helper.js": its path runs through "lib/t", a symlink in the checkout');
    expect(existsSync(join(fx.repo.dir, 'test', 'zz-helper.js'))).toBe(false);
  });

  it('a patch whose every entry meets a link is empty_patch, nothing applied', async () => {
    const res = await run(HOSTILE[0]![1] + HOSTILE[8]![1]);
    expect(res).toMatchObject({ outcome: 'empty_patch', unsafe_entries_dropped: 2, apply_strategy: null });
    expect(res.error).toMatch(/every entry of the patch meets a symlink of the checkout \(2 dropped\)/);
    expect(fx.hostFiles()).toEqual({ 'keep.txt': 'host data\n' });
  });
});
