// Remembered pre-flight verdicts: a task whose gold.patch and test.patch were found to apply at its
// base_commit is not checked again while nothing the verdict depends on has changed. One file per
// passing verdict under `<cache>/preflight/`, named by the hash of its key; failures are never stored.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { TaskSpec } from '../config/task.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';

/** Bump when what pre-flight checks, or how it applies patches, changes: every stored verdict is then ignored. */
export const PREFLIGHT_RULES_VERSION = 1;

/**
 * Everything a pass verdict depends on. The commit id fixes the repository's files (git object ids
 * are content hashes); the patches are hashed as the bytes pre-flight applies; the git version and
 * fixbench's version and rules version stand for the code that applies them.
 */
export const PreflightKey = z.strictObject({
  rules_version: z.number().int(),
  fixbench_version: z.string(),
  git_version: z.string(),
  /** `repo` as the task names it, and the tasks folder it is resolved from (bundles live there). */
  repo: z.string(),
  tasks_dir: z.string(),
  base_commit: z.string(),
  /** sha256 (hex) of gold.patch and of test.patch, as loaded. */
  patch_sha256: z.string(),
  test_patch_sha256: z.string(),
});
export type PreflightKey = z.infer<typeof PreflightKey>;

/** A stored verdict file (`<cache>/preflight/<sha256 of the canonical key>.json`). */
export const PreflightVerdictFile = z.strictObject({
  format_version: z.literal(1),
  key: PreflightKey,
  verdict: z.literal('pass'),
  /** ISO time of the check. */
  /** When the full check that stored this verdict ran (ISO 8601); a later quick check does not rewrite it. */
  checked_at: z.string(),
});

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

let gitVersion: Promise<string> | null = null;
/**
 * `git --version` of the git on PATH (once per process: `fixbench run` starts it at dispatch, so it
 * runs while the run's modules load). @throws when git cannot run (pre-flight would fail anyway).
 */
export function currentGitVersion(): Promise<string> {
  gitVersion ??= promisify(execFile)('git', ['--version']).then((r) => r.stdout.trim());
  return gitVersion;
}

/** The key of `task`'s verdict under this fixbench and git. */
export async function preflightKey(task: TaskSpec, fixbenchVersion: string): Promise<PreflightKey> {
  return {
    rules_version: PREFLIGHT_RULES_VERSION,
    fixbench_version: fixbenchVersion,
    git_version: await currentGitVersion(),
    repo: task.repo,
    tasks_dir: path.resolve(path.dirname(task.dir)),
    base_commit: task.base_commit,
    patch_sha256: sha256(task.patch),
    test_patch_sha256: sha256(task.test_patch),
  };
}

/**
 * Pass verdicts stored in `dir` (created on first write) for this fixbench version. A verdict that
 * cannot be read or written is simply checked again.
 */
export class PreflightCache {
  constructor(
    readonly dir: string,
    readonly fixbenchVersion: string,
  ) {}

  #file(key: PreflightKey): string {
    // The key's fields in a fixed order (the schema's), so equal keys name one file.
    return path.join(this.dir, `${sha256(JSON.stringify(PreflightKey.parse(key)))}.json`);
  }

  /** Whether a pass verdict is stored for `task` as it is now (every key field compared, not only the file name). */
  async passed(task: TaskSpec): Promise<boolean> {
    try {
      const key = await preflightKey(task, this.fixbenchVersion);
      const stored = PreflightVerdictFile.safeParse(JSON.parse(await readFile(this.#file(key), 'utf8')));
      return stored.success && JSON.stringify(stored.data.key) === JSON.stringify(PreflightKey.parse(key));
    } catch {
      return false;
    }
  }

  /** Stores a pass verdict for `task`; a cache that cannot be written is no error (the next run checks again). */
  async remember(task: TaskSpec): Promise<void> {
    const key = await preflightKey(task, this.fixbenchVersion);
    const body: z.infer<typeof PreflightVerdictFile> = { format_version: 1, key, verdict: 'pass', checked_at: new Date().toISOString() };
    await writeFileAtomic(this.#file(key), JSON.stringify(body, null, 2) + '\n', { mkdirs: true, fsync: false }).catch(() => {});
  }
}
