// A results disk full at the first write of a run or a merge (atkF10 4), for real: an 8 KiB tmpfs in a
// user and mount namespace of its own (`unshare -rm`). Exit 2 "results disk full", never "internal
// error"; no folder left behind, so once the disk has room the same run id and merge folder work.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fixbench-full-disk-create-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a results disk full at the first write', () => {
  it('run and merge exit 2 saying so and leave no folder; with room again both succeed', async () => {
    for (const s of ['1', '2']) {
      const r = await execa('node', [BIN, 'run', '--no-models', '--task', 'js-duration-1,js-duration-2', '--shard', `${s}/2`, '--results', path.join(tmp, 'res'), '--reports', path.join(tmp, 'rep'), '--run-id', `s${s}`], { cwd: ROOT, reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const run = `"$0" "$1" run --no-models --task js-duration-1 --results "$m" --reports "$2/rep" --run-id r1`;
    const merge = `"$0" "$1" merge "$m/out" "$2/res/s1" "$2/res/s2"`;
    const script = [
      'm=$(mktemp -d)', 'mount -t tmpfs -o size=8k tmpfs "$m"',
      `${run} >/dev/null 2>"$2/err1"; echo "run1=$?"`, 'echo "left1=$(ls -A "$m" | tr "\\n" " ")"',
      `${merge} >/dev/null 2>"$2/err2"; echo "merge1=$?"`, 'echo "left2=$(ls -A "$m" | tr "\\n" " ")"',
      'mount -o remount,size=20m "$m"',
      `${run} >/dev/null 2>&1; echo "run2=$?"`, `${merge} >/dev/null 2>&1; echo "merge2=$?"`,
    ].join('; ');
    const r = await execa('unshare', ['-rm', 'sh', '-c', script, process.execPath, BIN, tmp], { cwd: ROOT, reject: false, env: { ...process.env, NO_COLOR: '1' } });
    const out = Object.fromEntries(r.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]));
    const [err1, err2] = await Promise.all(['err1', 'err2'].map(async (f) => (await execa('cat', [path.join(tmp, f)])).stdout));
    expect(out.run1, err1).toBe('2');
    expect(err1).toMatch(/fixbench: error: results disk full: .*r1.*\(ENOSPC\); the run could not be created: .*folder was removed.*run it again/);
    expect(out.left1).toBe('');
    expect(out.merge1, err2).toBe('2');
    expect(err2).toMatch(/fixbench: error: results disk full: .*out.*\(ENOSPC\); the merge stopped and .*out was removed/);
    expect(out.left2).toBe('');
    expect([out.run2, out.merge2]).toEqual(['0', '0']);
  }, 240_000);
});
