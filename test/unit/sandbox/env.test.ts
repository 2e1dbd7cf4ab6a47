import { describe, expect, it } from 'vitest';
import { sandboxEnv } from '../../../src/sandbox/env.ts';

describe('sandboxEnv', () => {
  it('holds exactly the fixed variables plus the extras, whatever the parent has', () => {
    process.env.FIXBENCH_TEST_API_KEY = 'secret';
    try {
      const env = sandboxEnv({ path: '/bin', home: '/h', tmpDir: '/t' }, { A: '1' });
      expect(Object.keys(env).sort()).toEqual(['A', 'CI', 'FORCE_COLOR', 'HOME', 'LANG', 'LC_ALL', 'NO_COLOR', 'PATH', 'TERM', 'TMPDIR']);
      expect(env).toMatchObject({ PATH: '/bin', HOME: '/h', TMPDIR: '/t', NO_COLOR: '1', CI: '1', FORCE_COLOR: '0', TERM: 'dumb' });
    } finally {
      delete process.env.FIXBENCH_TEST_API_KEY;
    }
  });

  it('lets the caller override a fixed variable', () => {
    expect(sandboxEnv({ path: '/bin', home: '/h', tmpDir: '/t' }, { HOME: '/other' }).HOME).toBe('/other');
  });
});
