// The `merge` command a shard run prints at its end (src/cli/merge-hint.ts).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mergedRunId, mixedRunsProblem, shardMergeHint } from '../../../src/cli/merge-hint.ts';
import { mergeCommand } from '../../../src/cli/merge.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import { RunWriter } from '../../../src/store/store.ts';
import type { RunHeader } from '../../../src/store/records.ts';
import { makeHeader, referenceContender } from '../analysis/fixtures.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-merge-hint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const suite = { hash: 'suite-h', instance_ids: ['t1', 't2'] };

/** Writes shard `index`/`count` as run `runId` under `results`; returns its header. */
async function shardRun(results: string, runId: string, index: number, count: number): Promise<RunHeader> {
  const header = makeHeader({ run_id: runId, suite, contenders: [referenceContender('gold')], shard: { index, count }, status: 'finished' });
  await RunWriter.create(path.join(results, runId), header);
  return header;
}

/** The merge command line of a hint. */
const mergeLine = (hint: string) => hint.split('\n').map((l) => l.trim()).find((l) => l.startsWith('fixbench merge '));

describe('shardMergeHint', () => {
  it('carries the --reports the run was given, so the merge prints the report command for that folder', async () => {
    const results = mkdtempSync(path.join(root, 'reports-'));
    const h = await shardRun(results, 'nightly-7-s1', 1, 2);
    const hint = await shardMergeHint(results, h, 'fixbench', { reports: 'my reports', results, given: ['reports', 'results'] });
    expect(mergeLine(hint)).toMatch(/ <shard 2\/2 run folder> --reports 'my reports'$/);
    expect(mergeLine(await shardMergeHint(results, h, 'fixbench', { reports: 'reports' }))).toMatch(/<shard 2\/2 run folder>$/); // the default, not given
  });

  it('suggests one merged folder for every shard of a split: the run id without its shard suffix', async () => {
    const results = mkdtempSync(path.join(root, 'shared-'));
    const first = mergeLine(await shardMergeHint(results, await shardRun(results, 'nightly-7-s1', 1, 2), 'fixbench'));
    const second = mergeLine(await shardMergeHint(results, await shardRun(results, 'nightly-7-s2', 2, 2), 'fixbench'));
    expect(first).toContain(`merge ${path.join(results, 'nightly-7-merged')} `);
    expect(second).toBe(`fixbench merge ${path.join(results, 'nightly-7-merged')} ${path.join(results, 'nightly-7-s1')} ${path.join(results, 'nightly-7-s2')}`);
  });
});

describe('shardMergeHint across nights', () => {
  it('never pairs a shard with another run\'s shard of the same split and configuration (last night\'s): it names the shard missing', async () => {
    const results = mkdtempSync(path.join(root, 'nights-'));
    await shardRun(results, 'nightly-n1-s1', 1, 2);
    await shardRun(results, 'nightly-n1-s2', 2, 2);
    const n2s1 = await shardRun(results, 'nightly-n2-s1', 1, 2);
    const hint = await shardMergeHint(results, n2s1, 'fixbench');
    expect(mergeLine(hint)).toBe(`fixbench merge ${path.join(results, 'nightly-n2-merged')} ${path.join(results, 'nightly-n2-s1')} <shard 2/2 run folder>`);
    expect(hint).not.toContain('nightly-n1-s2 ');
    expect(hint).toContain(`(shard 2/2 of nightly-n2 is not under ${results} yet: name its run folder where it is, or copy it there first; not proposed: nightly-n1-s2, of another run (run id other than nightly-n2-…))`);
    await shardRun(results, 'nightly-n2-s2', 2, 2);
    expect(mergeLine(await shardMergeHint(results, n2s1, 'fixbench'))).toBe(`fixbench merge ${path.join(results, 'nightly-n2-merged')} ${path.join(results, 'nightly-n2-s1')} ${path.join(results, 'nightly-n2-s2')}`);
  });

  it('proposes no other folder for a run id with no shard suffix (a generated id), and says how to name shards', async () => {
    const results = mkdtempSync(path.join(root, 'generated-'));
    await shardRun(results, '20261129T080102Z-3f91', 2, 2);
    const hint = await shardMergeHint(results, await shardRun(results, '20261130T080102Z-aa01', 1, 2), 'fixbench');
    expect(mergeLine(hint)).toMatch(/20261130T080102Z-aa01 <shard 2\/2 run folder>$/);
    expect(hint).toContain('has no shard suffix its other shards share');
  });
});

describe('merge of shards of different runs', () => {
  it('refuses (exit 2) to join last night\'s shard 2 with tonight\'s shard 1, naming both runs and the fix; --mixed-run-ids merges them', async () => {
    const results = mkdtempSync(path.join(root, 'mixed-'));
    await shardRun(results, 'nightly-n1-s2', 2, 2);
    await shardRun(results, 'nightly-n2-s1', 1, 2);
    const shards = [path.join(results, 'nightly-n2-s1'), path.join(results, 'nightly-n1-s2')];
    const out = path.join(results, 'nightly-n2-merged');
    const err = await mergeCommand(out, shards, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as Error).message).toMatch(/^merge: the shards' run ids name 2 different runs: nightly-n2 \(nightly-n2-s1\), nightly-n1 \(nightly-n1-s2\); .*Name the shard folders of one run, or pass --mixed-run-ids/);
    expect(existsSync(out)).toBe(false);
    expect(mixedRunsProblem([{ run_id: 'nightly-n2-s1', shard: { index: 1, count: 2 } }, { run_id: 'nightly-n2-s2', shard: { index: 2, count: 2 } }])).toBeNull();
    expect(mixedRunsProblem([{ run_id: '20261129T080102Z-3f91', shard: { index: 1, count: 2 } }, { run_id: 'nightly-n2-s2', shard: { index: 2, count: 2 } }])).toBeNull(); // a generated id is not judged
    const log = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await mergeCommand(out, shards, { mixedRunIds: true })).toBe(0);
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
    expect(existsSync(path.join(out, 'run.json'))).toBe(true);
  });
});

describe('mergedRunId', () => {
  const name = (id: string, index: number, count = 2) => mergedRunId(id, { index, count }, 'abcdef0123456789');
  it('drops the shard suffix, whatever shard it names', () => {
    for (const [id, i] of [['nightly-42-s1', 1], ['nightly-42-s2', 2], ['nightly-42-shard-1', 1], ['nightly-42-shard2', 2], ['nightly-42_1of2', 1], ['nightly-42.2-2', 2], ['nightly-42-s0', 1]] as const) {
      expect(name(id, i), id).toBe('nightly-42-merged');
    }
  });
  it('falls back to a name from what every shard shares (their count and the suite) when the id has no shard suffix or nothing before it', () => {
    for (const [id, i] of [['s1', 1], ['shard-2', 2], ['nightly', 1], ['20261129T080102Z-3f91', 1], ['nightly-42-s5', 1], ['nightly-42-1of3', 1]] as const) {
      expect(name(id, i), id).toBe('merged-2-shards-abcdef01');
    }
    expect(name('runs1', 1)).toBe('runs-merged'); // "s" is a shard word only after a separator
    expect([name('run-7-1', 1), name('run-7-2', 2)]).toEqual(['run-7-merged', 'run-7-merged']); // "-1" / "-2" read as the shard, not as a count
  });
});
