import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserInputError } from '../../../src/core/errors.ts';
import { mirrorDirName, resolveRepoSource } from '../../../src/workspace/repo-source.ts';

const tasksDir = mkdtempSync(join(tmpdir(), 'fixbench-tasks-'));
mkdirSync(join(tasksDir, 'repos'));
writeFileSync(join(tasksDir, 'repos', 'tiny-lib.bundle'), '');
mkdirSync(join(tasksDir, 'local-repo'));
afterAll(() => rmSync(tasksDir, { recursive: true, force: true }));

describe('resolveRepoSource', () => {
  it.each([
    ['a bundle basename', 'tiny-lib', { kind: 'bundle', location: join(tasksDir, 'repos', 'tiny-lib.bundle'), name: 'tiny-lib' }],
    ['a path relative to the tasks dir', 'local-repo', { kind: 'path', location: join(tasksDir, 'local-repo'), name: 'local-repo' }],
    ['an absolute path', join(tasksDir, 'local-repo'), { kind: 'path', location: join(tasksDir, 'local-repo'), name: 'local-repo' }],
    ['a path to a bundle file', 'repos/tiny-lib.bundle', { kind: 'bundle', location: join(tasksDir, 'repos', 'tiny-lib.bundle'), name: 'tiny-lib' }],
    ['an https URL', 'https://github.com/owner/name.git', { kind: 'url', location: 'https://github.com/owner/name.git', name: 'name' }],
    ['an scp-style URL', 'git@github.com:owner/name', { kind: 'url', location: 'git@github.com:owner/name', name: 'name' }],
  ])('resolves %s', (_what, repo, expected) => {
    expect(resolveRepoSource(repo, tasksDir)).toEqual(expected);
  });

  it('rejects a repo that is nothing it knows, naming the field', () => {
    expect(() => resolveRepoSource('no-such-repo', tasksDir)).toThrow(UserInputError);
    expect(() => resolveRepoSource('no-such-repo', tasksDir)).toThrow(/no-such-repo/);
  });

  it('names the full path of the bundle it looked for (a task folder copied without its repos/<repo>.bundle)', () => {
    const bundle = join(tasksDir, 'repos', 'js-duration.bundle');
    let err: unknown;
    try {
      resolveRepoSource('js-duration', tasksDir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as UserInputError).message).toContain(`no bundle ${bundle}`);
    expect((err as UserInputError).details.fix).toContain(`put the bundle at ${bundle}`);
  });

  it('names mirrors by short name and a hash of the source', () => {
    const a = mirrorDirName({ kind: 'path', location: '/x/repo', name: 'repo' });
    const b = mirrorDirName({ kind: 'path', location: '/y/repo', name: 'repo' });
    expect(a).toMatch(/^repo-[0-9a-f]{12}\.git$/);
    expect(a).not.toBe(b);
  });
});
