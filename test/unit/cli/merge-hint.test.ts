// The `merge` command a shard run prints at its end (src/cli/merge-hint.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shardMergeHint } from '../../../src/cli/merge-hint.ts';
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
});
