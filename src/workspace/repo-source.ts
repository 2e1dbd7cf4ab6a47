// Where a task's `repo` field points (DESIGN.md §2): a bundle under `<tasksDir>/repos/`, a local
// path, or a git URL.
import { existsSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { stableHash } from '../core/ids.ts';
import { UserInputError } from '../core/errors.ts';

export interface RepoSource {
  kind: 'bundle' | 'path' | 'url';
  /** Absolute file path (bundle, path) or the URL as written. */
  location: string;
  /** File-name-safe short name, e.g. `tiny-lib` for `tasks/repos/tiny-lib.bundle`. */
  name: string;
}

const URL_RE = /^(?:[a-z][a-z0-9+.-]*:\/\/|[\w.-]+@[\w.-]+:)/i;

/**
 * Resolves a task's `repo` field, in this order:
 * 1. a URL (`https://…`, `ssh://…`, `file://…`, `git@host:owner/name`) → `url`;
 * 2. `<tasksDir>/repos/<repo>.bundle` exists → `bundle`;
 * 3. `repo` (absolute, or relative to `tasksDir`) exists: a `.bundle` file → `bundle`, else `path`.
 * Throws `UserInputError` when none matches, naming the full paths it looked for.
 */
export function resolveRepoSource(repo: string, tasksDir: string): RepoSource {
  if (URL_RE.test(repo)) return { kind: 'url', location: repo, name: slug(repo.replace(/\.git\/?$/, '')) };
  const bundle = resolve(tasksDir, 'repos', `${repo}.bundle`);
  if (!isAbsolute(repo) && !repo.includes('/') && existsSync(bundle)) return { kind: 'bundle', location: bundle, name: slug(repo) };
  const path = resolve(tasksDir, repo);
  if (existsSync(path)) {
    const kind = path.endsWith('.bundle') ? 'bundle' : 'path';
    return { kind, location: path, name: slug(path.replace(/\.(bundle|git)$/, '')) };
  }
  const lookedFor = !isAbsolute(repo) && !repo.includes('/') ? `no bundle ${bundle}, no path ${path}` : `no path ${path}`;
  throw new UserInputError(`repo ${JSON.stringify(repo)} is neither a URL, a bundle nor an existing path (${lookedFor})`, {
    where: 'task.yaml: repo',
    fix: `put the bundle at ${bundle} (a task folder needs its repos/<repo>.bundle beside it: copy it with the task), or give an existing path or a git URL`,
  });
}

/** Directory name of the bare mirror of `source` inside the cache: `<name>-<hash12>.git`. */
export function mirrorDirName(source: RepoSource): string {
  return `${source.name}-${stableHash(source.kind, source.location).slice(0, 12)}.git`;
}

function slug(s: string): string {
  const base = basename(s.replace(/\/+$/, '')).replace(/[^A-Za-z0-9._-]/g, '_');
  return base.replace(/^\.+/, '') || 'repo';
}
