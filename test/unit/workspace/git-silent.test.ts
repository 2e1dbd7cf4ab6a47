// gitAt's commands finish when git's process closes, also when git printed nothing: simple-git would
// otherwise wait 50 ms more after every silent command (`git add`, `git apply`, an empty diff). The
// output, exit code and errors stay what git gave.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GitError } from 'simple-git';
import { gitAt } from '../../../src/workspace/git.ts';

let dir: string;
const realSetTimeout = globalThis.setTimeout;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fixbench-git-silent-'));
  execFileSync('git', ['init', '-q', dir]);
  writeFileSync(join(dir, 'a.txt'), 'one\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

/** `p`, or 'hung' when it has not settled within `ms` of real time (timers faked or not). */
const orHung = <T>(p: Promise<T>, ms = 10_000): Promise<T | 'hung'> => Promise.race([p, new Promise<'hung'>((r) => realSetTimeout(() => r('hung'), ms))]);

describe('gitAt completion', () => {
  it('a silent command completes without waiting on a timer (simple-git waits 50 ms on one otherwise)', async () => {
    const git = gitAt(dir);
    // With setTimeout faked, any wait on a timer never ends: the command must complete on its process's close alone.
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    expect(await orHung(git.raw(['add', '--all']))).toBe('');
    expect(await orHung(git.raw(['diff', '--cached', '--quiet', '--exit-code', 'HEAD']).catch((e: unknown) => e))).toBeInstanceOf(GitError);
  });

  it('output, silence and failures read as git gave them', async () => {
    const git = gitAt(dir);
    expect(await git.raw(['ls-files', '--cached'])).toBe('a.txt\n');
    expect(await git.raw(['update-index', '--refresh'])).toBe('');
    const err = await git.raw(['show', 'no-such-revision']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect((err as Error).message).toMatch(/no-such-revision/);
  });
});
