// Test helper: a real, deterministic git repository built from inline file trees (after
// changesets' test utils). Fixed author, committer and dates, so every sha is reproducible.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** File contents by repository-relative path; `null` deletes the file in a later commit. */
export type FileTree = Record<string, string | Buffer | null>;

export interface GitRepo {
  /** Absolute path of the working tree. */
  dir: string;
  /** Commit shas, oldest first: `commits[0]` holds the initial files. */
  commits: string[];
  /** The newest commit. */
  head: string;
  /** Runs `git <args>` in the repository (hermetic env); returns stdout, untrimmed. */
  git(...args: string[]): string;
  /** Writes (or with `null` deletes) files in the working tree without committing. */
  write(files: FileTree): void;
  /** Writes `files` and commits them; returns the new sha. */
  commit(files: FileTree, message?: string): string;
  /** Writes a bundle of every ref to `dest` (as `tasks/repos/<name>.bundle`). */
  bundle(dest: string): void;
  /** Removes the repository. */
  cleanup(): void;
}

const EPOCH = Date.UTC(2024, 0, 1) / 1000;

/** Environment of the helper's git: no user or system config, fixed identity. */
export function testGitEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: tmpdir(),
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
  };
}

/**
 * Builds a repository in a new temp dir: `files` as the first commit, then one commit per entry
 * of `commits` (files written or deleted), on branch `main`. Commit n is dated
 * 2024-01-01T00:00:00Z + n hours and titled `commit <n>`. Strings are written as UTF-8 bytes
 * exactly (CRLF and missing final newlines are kept); `core.autocrlf` is off.
 */
export function gitRepo(files: FileTree, commits: FileTree[] = []): GitRepo {
  const dir = mkdtempSync(join(tmpdir(), 'fixbench-gitrepo-'));
  const shas: string[] = [];
  const git = (...args: string[]): string => {
    const n = shas.length;
    const date = `${EPOCH + n * 3600} +0000`;
    return execFileSync('git', args, {
      cwd: dir,
      env: { ...testGitEnv(), GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  };
  const write = (tree: FileTree): void => {
    for (const [path, content] of Object.entries(tree)) {
      const abs = join(dir, path);
      if (content === null) {
        rmSync(abs, { force: true, recursive: true });
        continue;
      }
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
  };
  const commit = (tree: FileTree, message = `commit ${shas.length}`): string => {
    write(tree);
    git('add', '--all');
    git('commit', '--quiet', '--allow-empty', '--no-verify', '-m', message);
    const sha = git('rev-parse', 'HEAD').trim();
    shas.push(sha);
    return sha;
  };
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'core.autocrlf', 'false');
  commit(files);
  for (const tree of commits) commit(tree);
  return {
    dir,
    commits: shas,
    get head() {
      return shas[shas.length - 1]!;
    },
    git,
    write,
    commit,
    bundle: (dest) => {
      mkdirSync(dirname(dest), { recursive: true });
      git('bundle', 'create', '--quiet', dest, '--all');
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The diff from the repository's first commit to `files` written on top of it: computed with git
 * on a detached checkout, then undone (the repository is left at its first commit).
 */
export function patchFor(repo: GitRepo, files: FileTree): string {
  const base = repo.commits[0]!;
  repo.git('checkout', '--quiet', '--detach', base);
  repo.write(files);
  repo.git('add', '--all');
  const patch = repo.git('diff', '--cached', '--no-color', base);
  repo.git('reset', '--quiet', '--hard', base);
  repo.git('clean', '-fdq');
  return patch;
}
