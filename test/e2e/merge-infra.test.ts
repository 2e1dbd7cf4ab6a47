// `fixbench merge` of shards where one shard recorded infra errors (provider down on that machine):
// the merge says how many per shard and gives the exact `run --retry-errors <shard>` to type before
// merging again, instead of only `merged 2 shard(s)` and a `next:` to `report` (newcomer20 #3).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { RunWriter } from '../../src/store/store.ts';
import { inShard } from '../../src/store/shard.ts';
import { makeAttempt, makeHeader, modelContender } from '../unit/analysis/fixtures.ts';

let tmp: string;
const shardDir = (i: number) => path.join(tmp, 'shards', `night-1-s${i}`);
let down = 0; // infra_error records of shard 2
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-merge-infra-'));
  const suite = { hash: 'h', instance_ids: Array.from({ length: 12 }, (_, i) => `t${i + 1}`) };
  for (const index of [1, 2]) {
    const shard = { index, count: 2 };
    const w = await RunWriter.create(shardDir(index), makeHeader({ run_id: `night-1-s${index}`, suite, contenders: [modelContender('fake-coder')], shard }));
    for (const t of suite.instance_ids) {
      const r = makeAttempt('fake-coder', t, index === 2 ? 'infra_error' : 'resolved', index === 2 ? null : 0.0009, { run_id: `night-1-s${index}` });
      if (!inShard(r.key, shard)) continue;
      if (index === 2) down++;
      await w.appendAttempt(r);
    }
  }
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('merge of a shard with infra errors', () => {
  it('counts them per shard and prints the --retry-errors command of that shard, then how to merge again', async () => {
    expect(down).toBeGreaterThan(0);
    const out = path.join(tmp, 'night-1-merged');
    const r = await runCli(['merge', out, shardDir(1), shardDir(2)]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^merged 2 shard\\(s\\), 12 attempt\\(s\\) into ${out}; infra errors: ${down} in shard 2/2 \\(${shardDir(2)}\\)$`));
    expect(r.stderr).toContain(`next: ${down} infra error(s) are left out of every rate's denominator (shard 2/2: ${down}); re-run them with:\n`);
    expect(r.stderr).toMatch(new RegExp(`\\n {2}(npx fixbench|node \\S+fixbench\\.mjs) run --retry-errors ${shardDir(2)}\\nthen remove ${out} and run this merge again`));
    expect(r.stderr).not.toContain(`--retry-errors ${shardDir(1)}`); // shard 1 had none
    expect(r.stderr).not.toMatch(/^next: build its report/m);
  });

  it('lists them in the --json summary', async () => {
    const r = await runCli(['merge', path.join(tmp, 'json-merged'), shardDir(1), shardDir(2), '--json', '--reports', path.join(tmp, 'reports')]);
    expect(r.exitCode, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { infra_errors: Array<{ shard: string; dir: string; count: number; retry: string }> };
    expect(s.infra_errors).toEqual([{ shard: '2/2', dir: shardDir(2), count: down, retry: expect.stringMatching(new RegExp(`run --retry-errors ${shardDir(2)} --reports ${path.join(tmp, 'reports')}$`)) }]);
  });
});
