// Planted bytecode next to a locked file (round 10 atk-repro/4): a `__pycache__` pyc whose header
// matches the locked source's mtime and size is run instead of the source unless the grading run's
// Python looks its caches up elsewhere. In a real bwrap container with `lockedPaths`, a planted pyc
// is ignored and the cache folder cannot be written; without `lockedPaths` (the control) it is run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import { LOCKED_PYCACHE_DIR, lockedPycacheArgs, lockedPythonEnv } from '../../../src/sandbox/locked-python.ts';
import { bwrapUsable } from './bwrap-usable.ts';

const python = (() => {
  try {
    execFileSync('python3', ['-c', 'import sys; assert sys.version_info >= (3, 8)']);
    return true;
  } catch {
    return false;
  }
})();

describe('locked Python caches', () => {
  it('the cache folder is a fresh empty tmpfs; the variables stop writing and move every lookup there', () => {
    expect(lockedPycacheArgs()).toEqual(['--tmpfs', LOCKED_PYCACHE_DIR]);
    expect(lockedPythonEnv()).toEqual({ PYTHONDONTWRITEBYTECODE: '1', PYTHONPYCACHEPREFIX: LOCKED_PYCACHE_DIR });
  });
});

describe.runIf(bwrapUsable && python)('planted bytecode in a bwrap container', () => {
  let ws: string;
  const sandbox = new BwrapSandbox({ roots: [tmpdir()] });
  beforeAll(() => {
    ws = mkdtempSync(join(tmpdir(), 'fixbench-pyc-'));
    // m.py says X = 1; its __pycache__ holds the code of X = 2 under m.py's own mtime and size
    writeFileSync(join(ws, 'm.py'), 'X = 2\n');
    execFileSync('python3', ['-c', "import os, py_compile; st = os.stat('m.py'); py_compile.compile('m.py', doraise=True); open('m.py', 'w').write('X = 1\\n'); os.utime('m.py', ns=(st.st_atime_ns, st.st_mtime_ns))"], { cwd: ws });
  });
  afterAll(async () => {
    await sandbox.cleanup();
    rmSync(ws, { recursive: true, force: true });
  });
  const run = (cmd: string, locked: boolean) => sandbox.exec(cmd, { cwd: ws, timeoutMs: 30_000, ...(locked ? { lockedPaths: ['m.py'] } : {}) });

  it('without locked paths the planted pyc is run (the control: the check below can fail)', async () => {
    expect((await run('python3 -c "import m; print(m.X)"', false)).stdout.trim()).toBe('2');
  });
  it('with locked paths the source is run from an empty cache folder, where an honest py_compile can write (atkL11 5)', async () => {
    const res = await run(`ls -A ${LOCKED_PYCACHE_DIR} | wc -l; python3 -c "import m; print(m.X)"; echo "$PYTHONPYCACHEPREFIX $PYTHONDONTWRITEBYTECODE"; python3 -c "import py_compile; print(py_compile.compile('m.py', doraise=True).startswith('${LOCKED_PYCACHE_DIR}/'))"`, true);
    expect(res.stdout.trim().split('\n')).toEqual(['0', '1', `${LOCKED_PYCACHE_DIR} 1`, 'True']);
  });
});
