// Host commands resolve programs through absolute PATH entries only (atkB F2): an empty or relative
// entry is searched from the child's cwd, a workspace the agent wrote.
import { describe, expect, it } from 'vitest';
import { absolutePathOnly, DEFAULT_HOST_PATH, normaliseHostPath } from '../../../src/core/host-path.ts';

describe('absolutePathOnly', () => {
  it('drops empty entries (leading, trailing, doubled) and keeps the rest in order', () => {
    expect(absolutePathOnly(':/usr/bin:/bin')).toBe('/usr/bin:/bin');
    expect(absolutePathOnly('/usr/bin::/bin')).toBe('/usr/bin:/bin');
    expect(absolutePathOnly('/usr/bin:/bin:')).toBe('/usr/bin:/bin');
  });
  it("regression (atkC): a PATH with no absolute entry gives the default, never '' (searched as the child's cwd)", () => {
    for (const v of ['', '.', ':', '.:bin', '::']) expect(absolutePathOnly(v)).toBe(DEFAULT_HOST_PATH);
  });
  it("drops '.', '..' and relative entries", () => {
    expect(absolutePathOnly('.:/usr/local/bin:./bin:node_modules/.bin:../x:/usr/bin')).toBe('/usr/local/bin:/usr/bin');
  });
  it('keeps absolute entries as they are, duplicates included, in order', () => {
    expect(absolutePathOnly('/b:/a:/b:/a/./c')).toBe('/b:/a:/b:/a/./c');
  });
  it('gives the default when PATH is unset', () => {
    expect(absolutePathOnly(undefined)).toBe(DEFAULT_HOST_PATH);
  });
});

describe('normaliseHostPath', () => {
  it('rewrites env.PATH and returns the dropped entries', () => {
    const env: NodeJS.ProcessEnv = { PATH: '.::/usr/bin:bin:/bin', OTHER: 'x' };
    expect(normaliseHostPath(env)).toEqual(['.', '', 'bin']);
    expect(env).toEqual({ PATH: '/usr/bin:/bin', OTHER: 'x' });
  });
  it('leaves an absolute-only PATH alone and sets an unset one to the default', () => {
    const env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin' };
    expect(normaliseHostPath(env)).toEqual([]);
    expect(env.PATH).toBe('/usr/bin:/bin');
    const unset: NodeJS.ProcessEnv = {};
    expect(normaliseHostPath(unset)).toEqual([]);
    expect(unset.PATH).toBe(DEFAULT_HOST_PATH);
    const none: NodeJS.ProcessEnv = { PATH: '.:' };
    expect(normaliseHostPath(none)).toEqual(['.', '']);
    expect(none.PATH).toBe(DEFAULT_HOST_PATH);
  });
});

describe('the CLI', () => {
  it('normalises its own PATH at start, so every child it starts inherits absolute entries only', async () => {
    const { main } = await import('../../../src/cli/main.ts');
    const saved = process.env.PATH;
    const write = process.stdout.write;
    try {
      process.env.PATH = `.::${saved}:bin`;
      process.stdout.write = (() => true) as never;
      await main(['--version']);
      expect(process.env.PATH).toBe(absolutePathOnly(saved));
    } finally {
      process.stdout.write = write;
      process.env.PATH = saved;
    }
  });
});
