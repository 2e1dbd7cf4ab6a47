// A shard run's own report (`run --shard i/n`, then `fixbench report` of that folder): it holds only its
// share of the suite's attempts, so its leaderboard rates are over the attempts it recorded (as `history`
// and the site list it), its status says which shard it is, and a banner says what the page covers.
import { describe, expect, it } from 'vitest';
import { buildViewModel } from '../../../src/report/view-model.ts';
import { renderReport } from '../../../src/report/build.ts';
import { makeAttempt, makeHeader, referenceContender } from '../analysis/fixtures.ts';

const suite = { hash: 'h', instance_ids: ['t1', 't2', 't3', 't4'] };
const attempts = [makeAttempt('gold', 't1', 'resolved', 0), makeAttempt('gold', 't3', 'resolved', 0)];

describe('the report of a shard run', () => {
  it('rates over its own attempts, names the shard in its status and says what the page covers', async () => {
    const header = makeHeader({ suite, contenders: [referenceContender('gold')], shard: { index: 1, count: 2 } });
    const vm = buildViewModel(header, attempts);
    const gold = vm.rows.find((r) => r.id === 'gold')!;
    expect([gold.resolved, gold.gradedNote]).toEqual(['2/2', '2 graded']); // 2 of its 2 attempts, not 2 of the suite's 4
    expect(vm.run.status).toBe('finished (shard 1/2)');
    expect(vm.facts.find((f) => f.label === 'attempts recorded')!.value).toBe("2 (this shard's; the suite's 4 are split among 2 shards)");
    expect(vm.run.shardNote).toMatch(/^Shard 1\/2: this run holds only its share of the suite's attempts.*fixbench merge/);
    expect(await renderReport(header, attempts)).toMatch(/<p class="banner" id="shard">Shard 1\/2: /);
  });
  it('a whole run is unchanged: rates over the suite, no banner', async () => {
    const header = makeHeader({ suite, contenders: [referenceContender('gold')] });
    const vm = buildViewModel(header, attempts);
    expect(vm.rows.find((r) => r.id === 'gold')!.resolved).toBe('2/4');
    expect(vm.run.status).toBe('finished');
    expect(vm.facts.find((f) => f.label === 'attempts recorded')!.value).toBe('2 of 4');
    expect(vm.run.shardNote).toBeNull();
    expect(await renderReport(header, attempts)).not.toContain('id="shard"');
  });
});
