// Host-side git reads only fixbench's own git directory (DESIGN.md §11 rule 2): whatever an agent
// writes into the workspace's `.git` or tree (commondir, config with drivers, hooks, alternates,
// attributes), host git runs nothing it names, and the work tree is still diffed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyPatch } from '../../../src/evaluation/apply-patch.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { createWorkspace, RepoCache, runSetup } from '../../../src/workspace/index.ts';
import { extractPatch } from '../../../src/workspace/extract-patch.ts';
import { HOST_ATTRIBUTES, hostGit } from '../../../src/workspace/host-git.ts';
import type { Workspace } from '../../../src/workspace/types.ts';
import { gitRepo, testGitEnv, type GitRepo } from '../../helpers/git-repo.ts';

const root = mkdtempSync(join(tmpdir(), 'fixbench-hostgit-test-'));
const outside = join(root, 'outside');
const marker = join(outside, 'MARKER');
const victim = join(outside, 'victim.txt');
const keyFile = join(outside, 'key.txt');
/** What a hostile driver or hook runs: leaves a marker (with the key) and deletes a host file. */
const EVIL = `sh -c 'cp ${keyFile} ${marker}; echo "$OPENAI_API_KEY" >> ${marker}; rm -f ${victim}'; cat`;
const sandbox = new LocalSandbox();
let repo: GitRepo;
let repoCache: RepoCache;
let ws: Workspace;

beforeAll(() => {
  repo = gitRepo({ 'src/a.js': 'exports.a = 1;\n', 'src/b.js': 'b\n', '.gitignore': 'node_modules/\n' });
  repoCache = new RepoCache({ cacheDir: join(root, 'repos'), tasksDir: join(root, 'tasks') });
});
afterAll(async () => {
  repo.cleanup();
  await sandbox.cleanup();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(async () => {
  mkdirSync(outside, { recursive: true });
  writeFileSync(victim, 'host file\n');
  writeFileSync(keyFile, 'sk-host-key-0123456789\n');
  ws = await createWorkspace({ repoCache, repo: repo.dir, baseCommit: repo.head, parentDir: join(root, 'ws') });
});
afterEach(async () => {
  await ws.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

const write = (rel: string, text: string): void => {
  mkdirSync(join(ws.dir, rel, '..'), { recursive: true });
  writeFileSync(join(ws.dir, rel), text);
};
/** A git config file whose every hook, driver and command runs EVIL. */
const evilConfig = (): string =>
  `[core]\n\tfsmonitor = ${EVIL}\n\thooksPath = ${join(outside, 'hooks')}\n\tattributesFile = ${join(outside, 'attributes')}\n\tsshCommand = ${EVIL}\n` +
  `[filter "evil"]\n\tclean = ${EVIL}\n\tsmudge = ${EVIL}\n\tprocess = ${EVIL}\n\trequired = true\n` +
  `[diff "evil"]\n\ttextconv = ${EVIL}\n\tcommand = ${EVIL}\n[diff]\n\texternal = ${EVIL}\n[merge "evil"]\n\tdriver = ${EVIL}\n` +
  `[include]\n\tpath = ${join(outside, 'included')}\n`;
/** Every hook git could run, as EVIL. */
function evilHooks(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const h of ['pre-commit', 'post-checkout', 'post-index-change', 'reference-transaction', 'post-merge', 'pre-auto-gc', 'post-rewrite', 'fsmonitor-watchman']) {
    writeFileSync(join(dir, h), `#!/bin/sh\n${EVIL}\n`, { mode: 0o755 });
  }
}
function expectHostUntouched(): void {
  expect(existsSync(marker), 'a driver or hook ran on the host').toBe(false);
  expect(readFileSync(victim, 'utf8')).toBe('host file\n');
}

describe('host-side git on a workspace whose .git and tree are hostile', () => {
  it('commondir to a foreign git directory whose config names a filter driver, with .gitattributes in the tree: nothing runs, the fix is extracted', async () => {
    const foreign = join(outside, 'foreign.git');
    mkdirSync(foreign, { recursive: true });
    writeFileSync(join(foreign, 'config'), evilConfig());
    writeFileSync(join(ws.dir, '.git', 'commondir'), `${foreign}\n`);
    writeFileSync(join(ws.dir, '.git', 'config'), evilConfig());
    write('.gitattributes', '* filter=evil diff=evil merge=evil\n');
    write('src/a.js', 'exports.a = 2;\n');
    const { patch } = await extractPatch(ws);
    expect(patch).toContain('+exports.a = 2;\n');
    expect(patch).toContain('+* filter=evil');
    expectHostUntouched();
  });

  it('hooks (in .git/hooks and a hooksPath) never run: not on extraction, patch application or the reset between strategies', async () => {
    evilHooks(join(ws.dir, '.git', 'hooks'));
    evilHooks(join(outside, 'hooks'));
    writeFileSync(join(ws.dir, '.git', 'config'), evilConfig());
    write('src/a.js', 'exports.a = 2;\n');
    const { patch } = await extractPatch(ws);
    expect(patch).toContain('+exports.a = 2;\n');
    // A patch that needs every strategy to be tried (and the tree reset between them), then fails.
    const res = await applyPatch(ws, 'diff --git a/src/b.js b/src/b.js\n--- a/src/b.js\n+++ b/src/b.js\n@@ -1 +1 @@\n-not there\n+x\n');
    expect(res.ok).toBe(false);
    expectHostUntouched();
  });

  it('alternates and a gutted object store in the workspace are never read: the base comes from fixbench\'s own objects', async () => {
    rmSync(join(ws.dir, '.git', 'objects'), { recursive: true, force: true });
    mkdirSync(join(ws.dir, '.git', 'objects', 'info'), { recursive: true });
    writeFileSync(join(ws.dir, '.git', 'objects', 'info', 'alternates'), `${join(outside, 'objects')}\n`);
    writeFileSync(join(ws.dir, '.git', 'HEAD'), '0000000000000000000000000000000000000000\n');
    write('src/a.js', 'exports.a = 2;\n');
    const { patch } = await extractPatch(ws);
    expect(patch).toMatch(
      /^diff --git a\/src\/a\.js b\/src\/a\.js\nindex [0-9a-f]{7}\.\.[0-9a-f]{7} 100644\n--- a\/src\/a\.js\n\+\+\+ b\/src\/a\.js\n@@ -1 \+1 @@\n-exports\.a = 1;\n\+exports\.a = 2;\n$/,
    );
    expectHostUntouched();
  });

  it('info/attributes of fixbench\'s git directory outranks .gitattributes in the tree, so a driver is never used even if one were defined', async () => {
    // Define the driver in fixbench's own config (never done in practice) to show the attributes rule alone holds.
    execFileSync('git', ['config', '--file', join(ws.gitDir, 'config'), 'filter.evil.clean', EVIL], { env: testGitEnv() });
    write('.gitattributes', '* filter=evil\n[attr]sneaky filter=evil diff=evil\nsrc/* sneaky\n');
    writeFileSync(join(ws.dir, '.git', 'info', 'attributes'), '* filter=evil\n');
    write('src/a.js', 'exports.a = 2;\n');
    const attrs = await hostGit(ws).raw(['check-attr', 'filter', 'diff', 'text', '--', 'src/a.js']);
    expect(attrs).toBe('src/a.js: filter: unspecified\nsrc/a.js: diff: unspecified\nsrc/a.js: text: unspecified\n');
    expect((await extractPatch(ws)).patch).toContain('+exports.a = 2;\n');
    expectHostUntouched();
    // Control: without that file, the same tree does run the driver (so the check above can fail).
    expect(readFileSync(join(ws.gitDir, 'info', 'attributes'), 'utf8')).toBe(HOST_ATTRIBUTES);
    rmSync(join(ws.gitDir, 'info', 'attributes'));
    await extractPatch(ws).catch(() => undefined);
    expect(existsSync(marker)).toBe(true);
  });

  it.each([
    ['deleted', () => rmSync(join(ws.dir, '.git'), { recursive: true, force: true })],
    ['replaced by a gitdir: file pointing at a hostile directory', () => {
      const foreign = join(outside, 'foreign.git');
      mkdirSync(foreign, { recursive: true });
      writeFileSync(join(foreign, 'config'), evilConfig());
      rmSync(join(ws.dir, '.git'), { recursive: true, force: true });
      writeFileSync(join(ws.dir, '.git'), `gitdir: ${foreign}\n`);
    }],
    ['replaced by a symlink to a host folder', () => {
      rmSync(join(ws.dir, '.git'), { recursive: true, force: true });
      symlinkSync(outside, join(ws.dir, '.git'));
    }],
    ['corrupted (garbage index and HEAD)', () => {
      writeFileSync(join(ws.dir, '.git', 'index'), 'garbage');
      writeFileSync(join(ws.dir, '.git', 'HEAD'), 'garbage');
    }],
  ])('a .git %s: the work tree is still diffed against fixbench\'s snapshot', async (_name, spoil) => {
    spoil();
    write('src/a.js', 'exports.a = 2;\n');
    write('src/new.js', 'new\n');
    const { patch } = await extractPatch(ws);
    expect(patch).toContain('+exports.a = 2;\n');
    expect(patch).toContain('+new\n');
    expect(patch).not.toContain('gitdir');
    expectHostUntouched();
  });

  it('a .GIT folder and a nested repository with a hostile config neither fail nor reach the patch; other files do', async () => {
    write('.GIT/config', evilConfig());
    write('vendor/sub/f.txt', 'f\n');
    execFileSync('git', ['init', '-q', join(ws.dir, 'vendor', 'sub')], { env: testGitEnv() });
    writeFileSync(join(ws.dir, 'vendor', 'sub', '.git', 'config'), evilConfig());
    write('vendor/sub/.gitattributes', '* filter=evil\n');
    write('src/a.js', 'exports.a = 2;\n');
    const { patch } = await extractPatch(ws);
    expect(patch).toContain('+exports.a = 2;\n');
    expect(patch).not.toMatch(/\.GIT|vendor\/sub/);
    expectHostUntouched();
  });
});

describe('attributes of the task repository itself', () => {
  it('a .gitattributes with eol=crlf and ident: files are checked out as stored and an idle agent has an empty patch', async () => {
    const r = gitRepo({ '.gitattributes': '*.txt text eol=crlf ident\n', 'a.txt': 'one\n$Id$\n' });
    try {
      const w = await createWorkspace({ repoCache, repo: r.dir, baseCommit: r.head, parentDir: join(root, 'ws') });
      expect(readFileSync(join(w.dir, 'a.txt'), 'utf8')).toBe('one\n$Id$\n');
      expect((await extractPatch(w)).patch).toBe('');
      await w.cleanup();
    } finally {
      r.cleanup();
    }
  });
});

describe('the patch is taken against the state after setup (14.6)', () => {
  it('an edit setup makes to a tracked file is not the model\'s; the model\'s edit on top of it is, relative to setup\'s version', async () => {
    await runSetup(ws, { instance_id: 'demo-1', setup: "printf 'b\\nstamped by setup\\n' > src/b.js && echo gen > generated.txt" }, sandbox);
    expect((await extractPatch(ws)).patch).toBe('');
    write('src/b.js', 'b\nstamped by setup\nmodel line\n');
    const { patch } = await extractPatch(ws);
    expect(patch).toContain(' stamped by setup\n+model line\n');
    expect(patch).not.toContain('generated.txt');
    // The workspace's own .git still says base_commit: the agent sees setup's edit as a change.
    expect(execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ws.dir, env: testGitEnv(), encoding: 'utf8' })).toBe(' M src/b.js\n');
  });
});

describe('the host git directory itself', () => {
  it('holds only what host git needs (no refs/heads, no empty info/exclude); an untracked file setup leaves gets info/exclude, so it is never the model\'s', async () => {
    const entries = (dir: string, rel = ''): string[] =>
      readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => [join(rel, e.name), ...(e.isDirectory() ? entries(dir, join(rel, e.name)) : [])]);
    expect(entries(ws.gitDir).sort()).toEqual(['HEAD', 'config', 'index', 'info', 'info/attributes', 'objects', 'objects/info', 'objects/info/alternates', 'refs']);
    write('src/a.js', 'exports.a = 2;\n');
    expect((await extractPatch(ws)).patch).toContain('+exports.a = 2;\n');
    execFileSync('git', ['checkout', '--', 'src/a.js'], { cwd: ws.dir, env: testGitEnv() });
    await runSetup(ws, { instance_id: 'demo-1', setup: 'echo gen > generated.txt' }, sandbox);
    expect(readFileSync(join(ws.gitDir, 'info', 'exclude'), 'utf8')).toContain('/generated.txt\n');
    expect((await extractPatch(ws)).patch).toBe('');
  });
  it('setup output named with bytes that are not UTF-8, or with a line break, is excluded as it is: the agent\'s files of other names stay in its patch (atkC16 #1, #2)', async () => {
    // gen-\xff.txt (latin1), "gen<LF>fix.js", "gen2<CR>", a name with a leading space
    await runSetup(ws, { instance_id: 'demo-1', setup: `printf x > "$(printf 'gen-\\377.txt')" && printf y > "$(printf 'gen\\nfix.js')" && printf z > "$(printf 'gen2\\r')" && printf w > ' lead.txt'` }, sandbox);
    expect(readdirSync(ws.dir)).toContain('gen\nfix.js');
    write('fix.js', 'agent work\n');
    write('other.js', 'more agent work\n');
    const { patch } = await extractPatch(ws);
    expect([...patch.matchAll(/^diff --git a\/(.+?) b\//gm)].map((m) => m[1]).sort()).toEqual(['fix.js', 'other.js']);
    const exclude = readFileSync(join(ws.gitDir, 'info', 'exclude'));
    expect(exclude.includes(Buffer.from('/gen-\xff.txt\n', 'latin1'))).toBe(true);
    expect(exclude.toString('latin1')).toContain('/gen?fix.js\n');
    expect(exclude.toString('latin1')).not.toMatch(/^fix\.js$/m);
  });
});
