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

const golds = ['js-duration-2', 'js-duration-3', 'js-duration-4'];
type Rec = { instance_id: string; contender: string; outcome: string; error: { message: string } | null };

/** `eval --predictions` of the filling patch (label `fillerLabel`) and the gold patches (label `goldLabel`) with TMPDIR on a 64 MiB tmpfs; the records. */
async function evalOnSmallDisk(run: string, fillerLabel: string, goldLabel: string): Promise<Rec[]> {
  const line = (id: string, patch: string, label: string) => JSON.stringify({ instance_id: id, model_name_or_path: label, model_patch: patch });
  const preds = [line('js-duration-1', readFileSync(path.join(ROOT, 'test/fixtures/runner/fill-disk.patch'), 'utf8'), fillerLabel), ...golds.map((id) => line(id, readFileSync(path.join(ROOT, 'tasks', id, 'gold.patch'), 'utf8'), goldLabel))];
  writeFileSync(path.join(dir, `${run}.jsonl`), `${preds.join('\n')}\n`);
  const script = `set -e; m=$(mktemp -d); mount -t tmpfs -o size=64m tmpfs "$m"; mkdir "$m/tmp"; TMPDIR="$m/tmp" "$0" "$1" eval --predictions "$2/${run}.jsonl" --task js-duration-1,${golds.join(',')} --concurrency 2 --results "$2/res" --reports "$2/rep" --run-id ${run} >/dev/null`;
  await execa('unshare', ['-rm', 'sh', '-c', script, process.execPath, BIN, dir], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  return readFileSync(path.join(dir, `res/${run}/attempts.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
}

describe('grading while another attempt holds the temp disk full', () => {
  it("regression: another predictions label's right patch graded meanwhile is infra_error naming the filler, never unresolved; the filler stays unresolved", async () => {
    const records = await evalOnSmallDisk('e', 'filler', 'honest');
    const by = new Map(records.filter((r) => r.contender === 'honest').map((r) => [r.instance_id, r]));
    expect(records.find((r) => r.contender === 'filler' && r.instance_id === 'js-duration-1')?.outcome).toBe('unresolved');
    const hit = golds.map((id) => by.get(id)!).filter((r) => r.outcome !== 'resolved');
    // the disk was full while some gold patch was graded (the filler holds it 12 s)…
    expect(hit.length).toBeGreaterThan(0);
    // …and each such attempt is the harness's, saying who filled it
    for (const r of hit) {
      expect(r.outcome).toBe('infra_error');
      expect(r.error?.message).toMatch(/^the temp disk was full: another attempt filled it \(contender filler\)/);
    }
  }, 180_000);

  it("regression (atkG10 2): one label's own patch filling the disk never turns that label's other gradings into infra_error", async () => {
    const records = await evalOnSmallDisk('same', 'm', 'm');
    expect(records.filter((r) => r.outcome === 'infra_error' && /another attempt filled it/.test(r.error?.message ?? ''))).toEqual([]);
  }, 180_000);
});
