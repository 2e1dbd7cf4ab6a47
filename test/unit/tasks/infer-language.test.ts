// `language` of a created task, read from the repository at the base commit with git.
import { afterAll, describe, expect, it } from 'vitest';
import { inferLanguage } from '../../../src/tasks/infer-language.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';

const repos: GitRepo[] = [];
const repoOf = (files: Record<string, string>) => {
  const r = gitRepo(files);
  repos.push(r);
  return r;
};
afterAll(() => repos.forEach((r) => r.cleanup()));

describe('inferLanguage', () => {
  it('typescript from tsconfig.json, a typescript dependency or .ts sources; javascript for other package.json repos', async () => {
    const tsconfig = repoOf({ 'package.json': '{"name":"a"}', 'tsconfig.json': '{}', 'src/a.ts': 'export {};\n' });
    expect(await inferLanguage(tsconfig.dir, tsconfig.commits[0]!, ['src/a.ts'])).toBe('typescript');
    const dep = repoOf({ 'package.json': '{"devDependencies":{"typescript":"5.0.0"}}', 'src/a.mts': 'export {};\n' });
    expect(await inferLanguage(dep.dir, dep.commits[0]!, ['README.md'])).toBe('typescript');
    const js = repoOf({ 'package.json': '{"name":"b","scripts":{"test":"node --test"}}', 'src/a.js': '\n' });
    expect(await inferLanguage(js.dir, js.commits[0]!, ['src/a.js'])).toBe('javascript');
    const tsFiles = repoOf({ 'package.json': '{}', 'lib/x.ts': '\n' });
    expect(await inferLanguage(tsFiles.dir, tsFiles.commits[0]!, ['lib/x.ts', 'lib/y.tsx'])).toBe('typescript');
  });

  it('without package.json: from the fix files (js, ts, python, go), else none', async () => {
    const bare = repoOf({ 'a.txt': 'x\n' });
    expect(await inferLanguage(bare.dir, bare.commits[0]!, ['src/add.js'])).toBe('javascript');
    expect(await inferLanguage(bare.dir, bare.commits[0]!, ['pkg/mod.py'])).toBe('python');
    expect(await inferLanguage(bare.dir, bare.commits[0]!, ['main.go'])).toBe('go');
    expect(await inferLanguage(bare.dir, bare.commits[0]!, ['a.txt'])).toBeUndefined();
  });
});
