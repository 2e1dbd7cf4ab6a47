// Protected files (DESIGN.md §6 step 2, issue 14.3): every file that decides how tests run —
// every test file by the task's test-file globs and test.patch, runner configurations, lock
// files, package-manager settings, installed and ignored paths (the rule: protected-rule.ts) —
// is at its `base_commit` state when the tests run. The model's edits to them are dropped from
// its patch before it is applied, anything that still differs after applying is restored, and
// both are counted in `protected_files_edited`. No file operation here follows a symbolic link.
import { isAbsolute } from 'node:path/posix';
import type { TaskSpec } from '../config/task.ts';
import { gitFailure, gitTry } from '../workspace/git.ts';
import { hostGit, type HostRepo } from '../workspace/host-git.ts';
import { diffFiles } from './diff-files.ts';
import { clearLinkedAncestors, gitBlobId, lstatOrNull, readNoFollow, removeNoFollow, sameAsBase, writeNoFollow } from './nofollow-fs.ts';
import { isSymlinkModeLine } from './unsafe-entries.ts';
import { restorePytestConfig } from './pytest-config.ts';
import { ancestors, compileRule, DEFAULT_TEST_FILES, type ProtectedReason, type ProtectedRule } from './protected-rule.ts';
import { initDirs, pythonPathDirs, type PythonLayout } from './python-shadow.ts';

/** One entry of the base commit's tree: mode (`100644`, `100755`, `120000`, `160000`) and blob id. */
interface BaseEntry {
  mode: string;
  id: string;
}

/** The rule bound to one workspace: the base commit's tree and the protected paths in it. */
export interface Protection {
  rule: ProtectedRule;
  base: Map<string, BaseEntry>;
  /** Folders of the base tree. */
  baseDirs: Set<string>;
  /** The Python layout the rule was compiled with (the base tree, the patch's `__init__.py` files, test_cmd's search folders). */
  python: PythonLayout;
  /** Paths test.patch touches. */
  testPatchPaths: string[];
  /**
   * Protected paths the patch names that are not in the base tree but exist before it is applied
   * (installed by `setup`, e.g. under node_modules): their bytes then (regular files up to
   * {@link SNAPSHOT_MAX_BYTES}; null for anything else, which is then left as it is), so that
   * restoring puts back the state after setup, not the absence at base.
   */
  beforePatch: Map<string, Buffer | null>;
}

/** Largest file under an installed path whose bytes are kept to restore it (1 MiB). */
export const SNAPSHOT_MAX_BYTES = 1024 * 1024;

/** Files test.patch touches (old and new paths), sorted and unique. */
export function testPatchFiles(testPatch: string): string[] {
  const out = new Set<string>();
  for (const f of diffFiles(testPatch)) for (const p of [f.oldPath, f.newPath]) if (p !== null) out.add(p);
  return [...out].sort();
}

/** A repository-relative path fixbench may touch: no `..`, not absolute, nothing under `.git`. */
function safePath(p: string): boolean {
  return p !== '' && !isAbsolute(p) && !p.split('/').some((c) => c === '..' || c === '' || c.toLowerCase() === '.git');
}

/** The base commit's tree: its entries by path, and its folders. Shared between attempts: never modified. */
interface BaseTree {
  base: Map<string, BaseEntry>;
  baseDirs: Set<string>;
  /** Folders holding an `__init__.py`. */
  initDirs: Set<string>;
}

/** Base trees listed so far in this process, by commit id (the id fixes the tree), at most `BASE_TREES_KEPT`, oldest dropped first. */
const baseTrees = new Map<string, Promise<BaseTree>>();
const BASE_TREES_KEPT = 16;

/** The tree of `commit`, listed once per process (`git ls-tree`) however many attempts grade at it. Throws `InfraError` when git fails (not remembered). */
function baseTreeOf(git: ReturnType<typeof hostGit>, commit: string): Promise<BaseTree> {
  let tree = baseTrees.get(commit);
  if (!tree) {
    tree = (async () => {
      const base = new Map<string, BaseEntry>();
      const baseDirs = new Set<string>();
      try {
        const out = await git.raw(['ls-tree', '-r', '-z', '--full-tree', commit]);
        for (const rec of out.split('\0')) {
          const m = /^(\d{6}) \w+ ([0-9a-f]+)\t(.+)$/s.exec(rec);
          if (!m) continue;
          base.set(m[3]!, { mode: m[1]!, id: m[2]! });
          for (const a of ancestors(m[3]!)) baseDirs.add(a);
        }
      } catch (err) {
        baseTrees.delete(commit);
        throw gitFailure('listing the base commit for protected files', err);
      }
      return { base, baseDirs, initDirs: initDirs(base.keys()) };
    })();
    baseTrees.set(commit, tree);
    if (baseTrees.size > BASE_TREES_KEPT) baseTrees.delete(baseTrees.keys().next().value!);
  }
  return tree;
}

/**
 * Reads what the rule needs from the workspace before the model's patch is applied (after `setup`):
 * the base commit's tree (`git ls-tree`, from the object store) and which of the paths the patch
 * names git ignores by the base's ignore rules (`git check-ignore --no-index`). Throws
 * `InfraError` when git fails.
 */
export async function loadProtection(ws: HostRepo, task: TaskSpec, modelPatch: string): Promise<Protection> {
  const dir = ws.dir;
  const git = hostGit(ws);
  const { base, baseDirs, initDirs: initBase } = await baseTreeOf(git, task.base_commit);
  const files = diffFiles(modelPatch);
  const named = files.flatMap((f) => [f.oldPath, f.newPath]).filter((p): p is string => p !== null && safePath(p));
  // `__init__.py` after the patch: the base's, less those it deletes or renames away, plus those it writes.
  const initAfter = new Set(initBase);
  for (const d of initDirs(files.flatMap((f) => (f.oldPath !== null && f.oldPath !== f.newPath ? [f.oldPath] : [])))) initAfter.delete(d);
  for (const d of initDirs(files.flatMap((f) => (f.newPath !== null ? [f.newPath] : [])))) initAfter.add(d);
  const python: PythonLayout = { inBase: (p) => base.has(p), initBase, initAfter, baseDirs, pathDirs: pythonPathDirs(task.test_cmd) };
  const ignored = new Set<string>();
  for (let i = 0; i < named.length; i += 200) {
    const r = await gitTry(git, ['check-ignore', '--no-index', '-z', '--', ...named.slice(i, i + 200)]);
    if (r.ok) for (const p of r.output.split('\0')) if (p) ignored.add(p);
  }
  const testPatchPaths = testPatchFiles(task.test_patch).filter(safePath);
  const rule = compileRule(task, {
    testFiles: task.test_files ?? DEFAULT_TEST_FILES,
    testPatchPaths,
    add: task.protected_files?.add ?? [],
    allow: task.protected_files?.allow ?? [],
    ignored,
    python,
  });
  const beforePatch = new Map<string, Buffer | null>();
  for (const path of named) {
    if (base.has(path) || testPatchPaths.includes(path) || rule.reason(path) === null) continue;
    const st = await lstatOrNull(dir, path);
    if (!st) continue;
    beforePatch.set(path, st.isFile() && st.size <= SNAPSHOT_MAX_BYTES ? await readNoFollow(dir, path) : null);
  }
  return { rule, base, baseDirs, python, testPatchPaths, beforePatch };
}

export interface DroppedEntries {
  /** The patch without its protected entries (bytes of the others kept); '' when none is left. */
  patch: string;
  /** Protected paths the dropped entries named, sorted. */
  dropped: string[];
}

/**
 * Drops every file entry of `patch` that names a protected path (old or new side), or that makes a
 * symbolic link pointing at one. Entries are cut at `diff --git` lines, or at a `---` line followed
 * by `+++` outside a hunk. Pure.
 */
export function dropProtectedEntries(patch: string, rule: ProtectedRule): DroppedEntries {
  const kept: string[] = [];
  const dropped = new Set<string>();
  for (const section of splitEntries(patch)) {
    const f = diffFiles(section)[0];
    const paths = f ? [f.oldPath, f.newPath].filter((p): p is string => p !== null) : [];
    const hit = paths.filter((p) => rule.reason(p) !== null);
    const head = section.split(/^@@/m)[0]!.split('\n').map((l) => l.replace(/\r$/, ''));
    const link = f?.newPath && head.some(isSymlinkModeLine) ? linkTarget(f.newPath, section) : null;
    if (link !== null && rule.reason(link) !== null) hit.push(f!.newPath!);
    if (hit.length) hit.forEach((p) => dropped.add(p));
    else kept.push(section);
  }
  return { patch: kept.join(''), dropped: [...dropped].sort() };
}

/** The repository path a new link at `path` points to (from its one `+` line); null when it leaves the repository. */
function linkTarget(path: string, section: string): string | null {
  const m = /^\+([^\n]*)$/m.exec(section.split(/^@@.*$/m)[1] ?? '');
  if (!m) return null;
  const parts = [...ancestors(path).slice(-1)[0]?.split('/') ?? []];
  if (m[1]!.startsWith('/')) return null;
  for (const c of m[1]!.replace(/\r$/, '').split('/')) {
    if (c === '..') {
      if (!parts.length) return null;
      parts.pop();
    } else if (c !== '.' && c !== '') parts.push(c);
  }
  return parts.join('/') || '.';
}

/** Splits a unified diff into its file entries (each a substring; joined they give the input back). */
export function splitEntries(patch: string): string[] {
  const lines = patch.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const starts: number[] = [];
  let oldLeft = 0;
  let newLeft = 0;
  let gitHeaderOpen = false; // inside a `diff --git` entry, before its hunks
  let offset = 0;
  for (let i = 0; i < lines.length; offset += lines[i]!.length, i++) {
    const line = lines[i]!.replace(/\r?\n$/, '');
    if (oldLeft > 0 || newLeft > 0) {
      const c = line[0];
      if (c === ' ' || line === '') { oldLeft--; newLeft--; continue; }
      if (c === '-') { oldLeft--; continue; }
      if (c === '+') { newLeft--; continue; }
      if (c === '\\') continue;
      oldLeft = newLeft = 0;
    }
    if (line.startsWith('diff --git ')) {
      starts.push(offset);
      gitHeaderOpen = true;
    } else if (line.startsWith('--- ') && (lines[i + 1] ?? '').startsWith('+++ ')) {
      if (!gitHeaderOpen) starts.push(offset);
    } else {
      const m = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
      if (m) {
        gitHeaderOpen = false;
        oldLeft = m[1] === undefined ? 1 : Number(m[1]);
        newLeft = m[2] === undefined ? 1 : Number(m[2]);
      }
    }
  }
  if (!starts.length) return patch ? [patch] : [];
  if (starts[0] !== 0) starts[0] = 0;
  return starts.map((s, i) => patch.slice(s, starts[i + 1] ?? patch.length));
}

/**
 * After the model's patch is applied: every protected path of the base tree, every path test.patch
 * touches and every protected path in `alsoCheck` (the paths the model's patch named) is put back
 * to its base state — rewritten when it differs (content, executable bit, link or not), removed
 * when it is not in the base tree (a new `.mocharc.js`), or put back to its state after setup when
 * setup made it (`beforePatch`: a file under node_modules), folders above it made real (a link or a
 * file in their place is unlinked: a host folder a link points to is never touched). Then the
 * protected keys of the root `package.json` are put back (`package.json#<key>`), the model's other
 * edits to it kept, and every `setup.cfg` / `pyproject.toml` whose pytest part changed is put back
 * whole (pytest-config.ts). Returns the paths restored, sorted. Throws `InfraError` when git fails.
 */
export async function restoreProtected(ws: HostRepo, p: Protection, alsoCheck: readonly string[]): Promise<string[]> {
  const dir = ws.dir;
  const git = hostGit(ws);
  const edited = new Set<string>();
  const paths = new Set<string>(p.testPatchPaths);
  for (const path of [...p.base.keys(), ...alsoCheck]) if (safePath(path) && p.rule.reason(path) !== null) paths.add(path);
  for (const path of [...paths].sort()) {
    for (const a of await clearLinkedAncestors(dir, path)) edited.add(a);
    const base = p.base.get(path);
    if (base?.mode === '160000') continue; // a submodule: not checked out
    if (!base && p.beforePatch.has(path)) {
      const before = p.beforePatch.get(path)!;
      if (before === null) continue;
      const st = await lstatOrNull(dir, path);
      if (st?.isFile() && (await readNoFollow(dir, path)).equals(before)) continue;
      await writeNoFollow(dir, path, before, st?.isFile() ? st.mode & 0o777 : 0o644);
      edited.add(path);
      continue;
    }
    if (!base) {
      if (p.baseDirs.has(path)) {
        const st = await lstatOrNull(dir, path);
        if (st && !st.isDirectory()) {
          await removeNoFollow(dir, path);
          edited.add(path);
        }
      } else if (await removeNoFollow(dir, path)) edited.add(path);
      continue;
    }
    if (await sameAsBase(dir, path, base)) continue;
    edited.add(path);
    let blob: Buffer;
    try {
      blob = await git.showBuffer([base.id]);
    } catch (err) {
      throw gitFailure(`reading ${path} at base_commit`, err);
    }
    if (base.mode === '120000') await writeNoFollow(dir, path, Buffer.alloc(0), 0o644, blob.toString('utf8'));
    else await writeNoFollow(dir, path, blob, base.mode === '100755' ? 0o755 : 0o644);
  }
  for (const k of await restorePackageKeys(dir, p, git)) edited.add(k);
  const readBase = (id: string): Promise<Buffer> => git.showBuffer([id]).catch((err: unknown) => { throw gitFailure('reading a pytest configuration at base_commit', err); });
  for (const f of await restorePytestConfig(dir, p, alsoCheck.filter(safePath), readBase)) edited.add(f);
  return [...edited].sort();
}

/** Restores the protected keys of the root package.json; returns `package.json#<key>` per key put back. */
async function restorePackageKeys(dir: string, p: Protection, git: ReturnType<typeof hostGit>): Promise<string[]> {
  const st = await lstatOrNull(dir, 'package.json');
  const base = p.base.get('package.json');
  if (!st && !base) return [];
  // The workspace's file when it still holds the base blob (the usual case: no git process), else the blob from git.
  const held = base && st?.isFile() ? await readNoFollow(dir, 'package.json') : null;
  const baseText = !base ? '{}' : held && gitBlobId(held) === base.id ? held.toString('utf8') : (await git.showBuffer([base.id])).toString('utf8');
  const baseJson = parseObject(baseText) ?? {};
  const restoreWhole = async (): Promise<string[]> => {
    if (base) await writeNoFollow(dir, 'package.json', Buffer.from(baseText), base.mode === '100755' ? 0o755 : 0o644);
    else await removeNoFollow(dir, 'package.json');
    return ['package.json'];
  };
  if (!st) return restoreWhole();
  if (!st.isFile()) return restoreWhole();
  const text = (await readNoFollow(dir, 'package.json')).toString('utf8');
  const cur = parseObject(text);
  if (cur === null) return restoreWhole();
  const scripts = isObject(baseJson.scripts) ? baseJson.scripts : {};
  const changed: string[] = [];
  for (const key of p.rule.packageKeys(scripts)) {
    const [top, sub] = key.startsWith('scripts.') ? ['scripts', key.slice('scripts.'.length)] : [key, null];
    const want = sub === null ? baseJson[top] : (isObject(baseJson.scripts) ? baseJson.scripts[sub] : undefined);
    const have = sub === null ? cur[top] : (isObject(cur.scripts) ? cur.scripts[sub] : undefined);
    if (JSON.stringify(want) === JSON.stringify(have)) continue;
    changed.push(`package.json#${key}`);
    if (sub === null) {
      if (want === undefined) delete cur[top];
      else cur[top] = want;
    } else {
      if (!isObject(cur.scripts)) cur.scripts = {};
      const s = cur.scripts as Record<string, unknown>;
      if (want === undefined) delete s[sub];
      else s[sub] = want;
    }
  }
  if (!changed.length) return [];
  const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
  await writeNoFollow(dir, 'package.json', Buffer.from(`${JSON.stringify(cur, null, indent)}\n`), st.mode & 0o777);
  return changed;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}

/** Which of `paths` are test files (reason `test`): the `test_files_edited` subset. */
export function testFilesOf(p: Protection, paths: readonly string[]): string[] {
  return paths.filter((x) => p.rule.reason(x.replace(/#.*$/, '')) === ('test' satisfies ProtectedReason));
}
