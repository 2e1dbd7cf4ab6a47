// `tasks lint` for protected files (DESIGN.md §6 step 2): a gold patch is graded like a model's,
// so a file it must change that the rule protects has to be allowed in task.yaml, or the
// reference fix itself would be dropped before grading; and the symlinks a task's repository commits
// into protected paths or out of the tree (a fix through them is dropped at grading).
import path, { posix } from 'node:path';
import type { TaskSpec, TaskYaml } from '../config/task.ts';
import { testPatchFiles } from '../evaluation/protected-files.ts';
import { compileRule, DEFAULT_TEST_FILES } from '../evaluation/protected-rule.ts';
import { pythonPathDirs } from '../evaluation/python-shadow.ts';
import { gitAt, gitFailure } from '../workspace/git.ts';
import type { RepoCache } from '../workspace/repo-cache.ts';

/**
 * Problems of a task's protected files, each a sentence naming the fix: gold.patch paths the rule
 * protects (ignored paths are checked at grading, where git's ignore rules are read; so are new
 * modules named like the standard library, which need the base tree: every gold path counts as a
 * base file here, so only the runner in test_cmd's PYTHONPATH folders is seen). Pure.
 */
export function goldProtectedProblems(yaml: TaskYaml, goldPaths: readonly string[], testPatchPaths: readonly string[]): string[] {
  const rule = compileRule(yaml, {
    testFiles: yaml.test_files ?? DEFAULT_TEST_FILES,
    testPatchPaths,
    add: yaml.protected_files?.add ?? [],
    allow: yaml.protected_files?.allow ?? [],
    ignored: new Set(),
    python: { inBase: () => true, initBase: new Set(), initAfter: new Set(), baseDirs: new Set(), pathDirs: pythonPathDirs(yaml.test_cmd) },
  });
  const problems: string[] = [];
  const hit = goldPaths.filter((p) => rule.reason(p) !== null).sort();
  if (hit.length) {
    problems.push(
      `the fix changes protected file(s) ${hit.map((p) => `${p} (${rule.reason(p)})`).join(', ')}, which grading drops from every patch, gold included; ` +
        `if the fix must change them, list them under protected_files.allow in task.yaml, else move the change out of them`,
    );
  }
  return problems;
}

/** Links of a base tree read for `committedLinkWarnings` at most (one `git cat-file` each). */
const LINKS_READ = 100;

/**
 * Warnings for the symbolic links `task`'s repository commits at `base_commit` that lead into a
 * protected path (by the task's rule; targets read lexically from the link's folder, through the
 * tree's other links), to a folder above protected files (the root: `docs/x -> ..`), or out of the
 * repository (an absolute target, or `..` past the root), one sentence each. At grading a patch's
 * entry through such a link is dropped (src/evaluation/checkout-links.ts), so a fix written
 * through it is lost, and the test runner may read files through it. The first
 * {@link LINKS_READ} links are read. Throws `InfraError` when git fails on the repository mirror.
 */
export async function committedLinkWarnings(task: Pick<TaskSpec, 'repo' | 'base_commit' | 'dir' | 'test_cmd' | 'test_patch'> & Pick<TaskYaml, 'test_files' | 'protected_files'>, repoCache: RepoCache): Promise<string[]> {
  const mirror = await repoCache.mirror(task.repo, { tasksDir: path.dirname(task.dir) });
  const git = gitAt(mirror);
  let tree: string;
  try {
    tree = await git.raw(['ls-tree', '-r', '-z', '--full-tree', task.base_commit]);
  } catch (err) {
    throw gitFailure(`listing the links of ${task.base_commit}`, err);
  }
  const records = tree.split('\0').flatMap((rec) => {
    const m = /^(\d{6}) \w+ ([0-9a-f]+)\t(.+)$/s.exec(rec);
    return m ? [{ mode: m[1]!, id: m[2]!, path: m[3]! }] : [];
  });
  const rule = compileRule(task, { testFiles: task.test_files ?? DEFAULT_TEST_FILES, testPatchPaths: testPatchFiles(task.test_patch), add: task.protected_files?.add ?? [], allow: task.protected_files?.allow ?? [], ignored: new Set() });
  const targets = new Map<string, string>();
  for (const r of records.filter((x) => x.mode === '120000').slice(0, LINKS_READ)) targets.set(r.path, (await git.raw(['cat-file', 'blob', r.id])).replace(/\n$/, ''));
  const protectedPaths = records.map((r) => r.path).filter((p) => rule.reason(p) !== null);
  const out: string[] = [];
  for (const [at, target] of targets) {
    // Lexically from the link's folder, through the tree's other links (a link to a link), at most 40 hops.
    let to = lexicalTarget(at, target);
    for (let hop = 0; to !== null && hop < 40 && targets.has(to) && to !== at; hop++) to = lexicalTarget(to, targets.get(to)!);
    const below = to === null ? [] : protectedPaths.filter((p) => to === '.' || p === to || p.startsWith(`${to}/`));
    const where = to === null ? 'out of the repository' : rule.reason(to) !== null ? `into the protected path ${to} (${rule.reason(to)})` : below.length ? `to ${to === '.' ? 'the repository root' : to}, above protected files (${below.slice(0, 3).join(', ')}${below.length > 3 ? ', …' : ''})` : null;
    if (where) out.push(`the repository commits the symlink ${at} -> ${target} at base_commit, leading ${where}: a patch's change through it is dropped at grading, and the tests may read through it; remove the link from the task's repository or pick a base_commit without it`);
  }
  return out;
}

/** The repository path a link at `at` to `target` names, read lexically; null when it leaves the repository (absolute, or `..` past the root). */
function lexicalTarget(at: string, target: string): string | null {
  if (target.startsWith('/')) return null;
  const to = posix.normalize(posix.join(posix.dirname(at), target));
  return to === '..' || to.startsWith('../') ? null : to;
}
