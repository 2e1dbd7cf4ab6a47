// Paths in printed commands work from the folder the user's shell is in (newcomer19 #6): as given
// when that is fixbench's working folder, absolute when npm ran fixbench elsewhere (INIT_CWD), and
// fixbench's own files absolute outside the clone's root.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeProviderRun } from '../../../src/cli/common.ts';
import { resumeCommand } from '../../../src/cli/hints.ts';
import { PACKAGE_ROOT } from '../../../src/cli/paths.ts';
import { packagePath, userPath } from '../../../src/cli/user-path.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('userPath', () => {
  it('keeps a path as given when the user\'s shell is in fixbench\'s working folder (no npm, or npm typed there)', () => {
    expect(userPath('res', {}, '/clone')).toBe('res');
    expect(userPath('res', { INIT_CWD: '/clone' }, '/clone')).toBe('res');
  });
  it('makes it absolute against fixbench\'s folder when npm started fixbench in another folder than the user\'s', () => {
    expect(userPath('res', { INIT_CWD: '/clone/sub' }, '/clone')).toBe('/clone/res');
    expect(userPath('/data/res', { INIT_CWD: '/clone/sub' }, '/clone')).toBe('/data/res');
  });
});

describe('packagePath', () => {
  it('names fixbench\'s own file as written at the clone\'s root, absolute anywhere else', () => {
    expect(packagePath('examples/x.yaml', {}, '/clone', '/clone')).toBe('examples/x.yaml');
    expect(packagePath('examples/x.yaml', {}, '/home/me/project', '/clone')).toBe('/clone/examples/x.yaml');
    expect(packagePath('examples/x.yaml', { INIT_CWD: '/clone/sub' }, '/clone', '/clone')).toBe('/clone/examples/x.yaml');
  });
});

describe('printed commands from a subfolder of the clone (npm start there: INIT_CWD is the subfolder)', () => {
  it('the resume command names --results absolutely, where fixbench wrote it', () => {
    vi.stubEnv('INIT_CWD', path.join(process.cwd(), 'some', 'sub'));
    expect(resumeCommand('r1', { results: 'res', given: ['results'] }, { prefix: 'npx fixbench' })).toBe(`npx fixbench run --resume r1 --results ${path.resolve('res')}`);
  });
  it('the fake provider run names its models file and price sheet by paths that exist', () => {
    vi.stubEnv('INIT_CWD', path.join(PACKAGE_ROOT, 'some', 'sub'));
    const cmd = fakeProviderRun('npx fixbench');
    const files = [...cmd.matchAll(/--(?:models-file|prices) (\S+)/g)].map((m) => m[1]!);
    expect(files).toHaveLength(2);
    for (const f of files) {
      expect(path.isAbsolute(f)).toBe(true);
      expect(existsSync(f)).toBe(true);
    }
  });
});
