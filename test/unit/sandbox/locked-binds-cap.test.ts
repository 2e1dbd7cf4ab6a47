// Locked paths past the mount cap (atkG10 #3): they were only hashed, so code under test could
// rewrite one and restore its bytes before the run ended. Now their folders are bound read-only
// (or their top-level folders when even that exceeds the cap), in arguments and in a real container.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import { lockedBindArgs, MAX_LOCKED_MOUNTS } from '../../../src/sandbox/locked-binds.ts';
import { bwrapUsable } from './bwrap-usable.ts';

let ws: string;
const many = Array.from({ length: MAX_LOCKED_MOUNTS + 40 }, (_, i) => `tests/test_p${String(i).padStart(3, '0')}.py`);
const deep = Array.from({ length: MAX_LOCKED_MOUNTS + 10 }, (_, i) => `pkg/d${i}/test_x.py`);
beforeAll(() => {
  ws = mkdtempSync(join(tmpdir(), 'fixbench-locked-cap-'));
  mkdirSync(join(ws, 'tests', 'sub'), { recursive: true });
  mkdirSync(join(ws, 'src'));
  for (const f of [...many, 'tests/sub/test_zz.py', 'tests/test_zz_sub.py', 'top.py', 'src/a.py']) writeFileSync(join(ws, f), 'ok\n');
  for (const f of deep) {
    mkdirSync(join(ws, f, '..'), { recursive: true });
    writeFileSync(join(ws, f), 'ok\n');
  }
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));
const mounts = (args: string[]) => Array.from({ length: args.length / 3 }, (_, i) => `${args[3 * i]} ${args[3 * i + 1]!.slice(ws.length + 1)}`);

describe('lockedBindArgs past the cap', () => {
  it('binds the folder of the paths past the cap read-only instead, dropping the binds inside it', () => {
    const m = mounts(lockedBindArgs(ws, ['src/a.py', ...many, 'tests/sub/test_zz.py', 'tests/test_zz_sub.py']));
    expect(m).toEqual(['--bind src', '--ro-bind tests', '--ro-bind src/a.py']);
  });
  it('falls back to the top-level folders when the folders alone exceed the cap', () => {
    const m = mounts(lockedBindArgs(ws, ['src/a.py', ...deep]));
    expect(m).toEqual(['--ro-bind pkg', '--bind src', '--ro-bind src/a.py']);
  });
  it('leaves a path at the top level past the cap unbound (the hashes still cover it)', () => {
    const m = mounts(lockedBindArgs(ws, [...many.slice(0, MAX_LOCKED_MOUNTS - 1), 'top.py']));
    expect(m).toHaveLength(MAX_LOCKED_MOUNTS);
    expect(m).not.toContain('--ro-bind top.py');
  });
});

describe.runIf(bwrapUsable)('paths past the cap in a bwrap container', () => {
  const sandbox = new BwrapSandbox({ roots: [tmpdir()] });
  afterAll(() => sandbox.cleanup());
  const run = (cmd: string) => sandbox.exec(cmd, { cwd: ws, timeoutMs: 60_000, lockedPaths: ['src/a.py', ...many, 'tests/test_zz_sub.py'] });

  it.each([
    ['rewrite the last file', 'echo evil > tests/test_zz_sub.py'],
    ['add a file beside it', 'echo evil > tests/conftest.py'],
    ['rename its folder', 'mv tests tests-old'],
    ['rewrite the first file', 'echo evil > src/a.py'],
  ])('cannot %s', async (_, cmd) => {
    expect((await run(cmd)).exitCode).not.toBe(0);
    expect(readFileSync(join(ws, 'tests/test_zz_sub.py'), 'utf8')).toBe('ok\n');
    expect(readFileSync(join(ws, 'src/a.py'), 'utf8')).toBe('ok\n');
  });
  it('leaves the rest of the workspace writable', async () => {
    expect(await run('echo new > src/b.py && cat tests/test_zz_sub.py && rm src/b.py')).toMatchObject({ exitCode: 0, stdout: 'ok\n' });
  });
});
