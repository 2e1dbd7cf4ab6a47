// One prediction's tests fill the temp disk every attempt shares (its patch runs `cat /dev/zero >
// fill; sleep 12` when the tests load it): the other predictions, right fixes (gold patches), must
// never be graded `unresolved` for it (atkF10 #6: "no test verdict", a truncated report.xml). Run for
// real: `eval --predictions` with TMPDIR on a 64 MiB tmpfs in a user and mount namespace of its own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../../helpers/cli.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-full-disk-grading-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('grading while another attempt holds the temp disk full', () => {
  it('regression: a right patch graded meanwhile is infra_error naming the filler, never unresolved; the filler stays unresolved', async () => {
    const line = (id: string, patch: string) => JSON.stringify({ instance_id: id, model_name_or_path: 'filler', model_patch: patch });
    const golds = ['js-duration-2', 'js-duration-3', 'js-duration-4'];
    const preds = [line('js-duration-1', readFileSync(path.join(ROOT, 'test/fixtures/runner/fill-disk.patch'), 'utf8')), ...golds.map((id) => line(id, readFileSync(path.join(ROOT, 'tasks', id, 'gold.patch'), 'utf8')))];
    writeFileSync(path.join(dir, 'preds.jsonl'), `${preds.join('\n')}\n`);
    const script = `set -e; m=$(mktemp -d); mount -t tmpfs -o size=64m tmpfs "$m"; mkdir "$m/tmp"; TMPDIR="$m/tmp" "$0" "$1" eval --predictions "$2/preds.jsonl" --task js-duration-1,${golds.join(',')} --concurrency 2 --results "$2/res" --reports "$2/rep" --run-id e >/dev/null`;
    await execa('unshare', ['-rm', 'sh', '-c', script, process.execPath, BIN, dir], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    const records = readFileSync(path.join(dir, 'res/e/attempts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { instance_id: string; outcome: string; error: { message: string } | null });
    const by = new Map(records.map((r) => [r.instance_id, r]));
    expect(by.get('js-duration-1')?.outcome).toBe('unresolved');
    const hit = golds.map((id) => by.get(id)!).filter((r) => r.outcome !== 'resolved');
    // the disk was full while some gold patch was graded (the filler holds it 12 s)…
    expect(hit.length).toBeGreaterThan(0);
    // …and each such attempt is the harness's, saying who filled it
    for (const r of hit) {
      expect(r.outcome).toBe('infra_error');
      expect(r.error?.message).toMatch(/^the temp disk was full: another attempt filled it \(attempt [0-9a-f]+\)/);
    }
  }, 180_000);
});
