// namesElsewhere remembers a found set per (commit, words, hosts, names): the attempts of one task
// (gold, noop, every attempt) ask the same question, and only the first runs `git grep`.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { namesElsewhere } from '../../../src/evaluation/canary-elsewhere.ts';
import { gitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';

afterAll(() => cleanupHostRepos());

describe('namesElsewhere: one git grep per question', () => {
  it('a second workspace at the same commit gets the first one\'s answer without git; other names, hosts or kinds ask git; a failed grep is not remembered', async () => {
    const repo = gitRepo({
      'test/a.test.js': "it('parses minutes', () => {});\nit('keeps hours', () => {});\n",
      'src/other.js': "// parses minutes\nconst x = 'rounds up';\n",
    });
    const ws = await hostRepoOf(repo.dir);
    // a workspace whose git directory does not exist: every grep through it fails (all names count as found)
    const broken = { dir: repo.dir, gitDir: join(ws.gitDir, 'missing') };
    const names = ['parses minutes', 'keeps hours'];
    const hosts = ['test/a.test.js'];

    expect(await namesElsewhere(broken, repo.head)(['rounds up', 'keeps hours'], hosts, false)).toEqual(new Set(['rounds up', 'keeps hours']));
    // the failure above was not kept: the same question through a working git directory is answered
    expect(await namesElsewhere(ws, repo.head)(['rounds up', 'keeps hours'], hosts, false)).toEqual(new Set(['rounds up']));

    expect(await namesElsewhere(ws, repo.head)(names, hosts, false)).toEqual(new Set(['parses minutes']));
    // the same question (names in another order, repeated) from a workspace where git would fail: remembered
    const again = await namesElsewhere(broken, repo.head)(['keeps hours', 'parses minutes', 'keeps hours'], hosts, false);
    expect(again).toEqual(new Set(['parses minutes']));
    again.add('mutated by a caller');
    expect(await namesElsewhere(broken, repo.head)(names, hosts, false)).toEqual(new Set(['parses minutes']));
    // concurrent askers share one answer
    const both = await Promise.all([namesElsewhere(ws, repo.head)(['rounds up'], hosts, true), namesElsewhere(broken, repo.head)(['rounds up'], hosts, true)]);
    expect(both).toEqual([new Set(['rounds up']), new Set(['rounds up'])]);
    // another question is not the remembered one: it goes to git (which fails here)
    expect(await namesElsewhere(broken, repo.head)(names, [], false)).toEqual(new Set(names));
    expect(await namesElsewhere(broken, repo.head)(names, hosts, true)).toEqual(new Set(names));
  });
});
