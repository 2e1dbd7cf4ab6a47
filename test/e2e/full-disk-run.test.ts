// A run whose results disk fills (atkF9 2), for real: --results on a 120 KiB tmpfs mounted in a user and
// mount namespace of its own (`unshare -rm`). The run stops with exit 2 and "results disk full", is never
// "finished", leaves no lock; once the disk has room, --resume completes it, each attempt recorded once.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fixbench-full-disk-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('run on a results disk that fills up', () => {
  it('stops saying so (exit 2, not "finished", unlocked); --resume completes it with every attempt once', async () => {
    const run = `"$0" "$1" run --no-models --task js-duration-1,js-duration-2,js-ini-1,js-ini-2 --concurrency 2 --results "$m" --reports "$2/rep" --run-id r1`;
    const script = [
      'm=$(mktemp -d)', 'mount -t tmpfs -o size=120k tmpfs "$m"',
      `${run} >/dev/null 2>"$2/err1"; echo "exit1=$?"`,
      'echo "status1=$(grep -o \'"status": "[a-z_]*"\' "$m/r1/run.json")"', 'echo "records1=$(grep -c . "$m/r1/attempts.jsonl")"', 'echo "lock1=$(ls "$m/r1" | grep -c run.lock)"',
      'mount -o remount,size=20m "$m"',
      `"$0" "$1" run --resume r1 --results "$m" --reports "$2/rep" >/dev/null 2>&1; echo "exit2=$?"`,
      'echo "status2=$(grep -o \'"status": "[a-z_]*"\' "$m/r1/run.json")"', 'echo "records2=$(grep -c . "$m/r1/attempts.jsonl")"',
      'echo "keys2=$(grep -o \'"key":"[^"]*"\' "$m/r1/attempts.jsonl" | sort -u | wc -l)"',
    ].join('; ');
    const r = await execa('unshare', ['-rm', 'sh', '-c', script, process.execPath, BIN, tmp], { cwd: ROOT, reject: false, env: { ...process.env, NO_COLOR: '1' } });
    const out = Object.fromEntries(r.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const err1 = (await execa('cat', [path.join(tmp, 'err1')])).stdout;
    expect(out.exit1, err1).toBe('2');
    expect(err1).toMatch(/fixbench: error: results disk full: .*r1.* \(ENOSPC\); the run stopped: .*run --resume r1/);
    expect(out.status1).not.toContain('finished'); // "failed", or "running" when even run.json could not be rewritten
    expect(Number(out.records1)).toBeLessThan(8);
    expect(out.lock1).toBe('0');
    expect(out.exit2).toBe('0');
    expect(out.status2).toContain('"finished"');
    expect([out.records2, out.keys2]).toEqual(['8', '8']);
  }, 240_000);
});
