// The report's agent dimension (issue 20.6): one model under several agents, side by side.
import { describe, expect, it } from 'vitest';
import { zeroUsage } from '../../../src/core/usage.ts';
import { renderReport, reportPage } from '../../../src/report/build.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../analysis/fixtures.ts';

/**
 * Model `ds` under `bash` (resolves t1, $0.02 each, 4 calls, 1000+100 tokens each) and under
 * `claude-code` (resolves t1 and t2, $0.05 each, 10 calls, 5000+500 tokens each); model `solo` only
 * under bash (no comparison). Per resolved task: bash $0.04, 8 calls, 2200 tokens; claude-code
 * $0.05, 10 calls, 5500 tokens.
 */
function run() {
  const header = makeHeader({
    suite: { hash: 'h', instance_ids: ['t1', 't2'] },
    contenders: [modelContender('ds'), modelContender('ds@claude-code', { agent: 'claude-code', model: 'ds' }), modelContender('solo'), referenceContender('gold')],
  });
  const u = (i: number, o: number) => ({ ...zeroUsage(), input_uncached: i, output: o });
  const attempts = [
    makeAttempt('ds', 't1', 'resolved', 0.02, { calls: 4, usage: u(1000, 100) }),
    makeAttempt('ds', 't2', 'unresolved', 0.02, { calls: 4, usage: u(1000, 100) }),
    makeAttempt('ds@claude-code', 't1', 'resolved', 0.05, { agent: 'claude-code', calls: 10, usage: u(5000, 500) }),
    makeAttempt('ds@claude-code', 't2', 'resolved', 0.05, { agent: 'claude-code', calls: 10, usage: u(5000, 500) }),
    makeAttempt('solo', 't1', 'resolved', 0.01),
    makeAttempt('solo', 't2', 'resolved', 0.01),
    ...['t1', 't2'].map((t) => makeAttempt('gold', t, 'resolved', 0, { agent: 'gold' })),
  ];
  return { header, attempts };
}

describe('agent dimension', () => {
  it('compares a model across its agents, best rate first, per resolved task', () => {
    const { header, attempts } = run();
    const dims = reportPage(header, attempts).agentDimension;
    expect(dims.map((d) => d.model)).toEqual(['ds']);
    expect(dims[0]!.rows.map((r) => [r.agent, r.contender, r.resolved, r.rate, r.best])).toEqual([
      ['claude-code', 'ds@claude-code', '2/2', expect.stringMatching(/^100/), true],
      ['bash', 'ds', '1/2', expect.stringMatching(/^50/), false],
    ]);
    const [cc, bash] = dims[0]!.rows;
    expect([cc!.callsPerResolved, bash!.callsPerResolved]).toEqual(['10.0', '8.0']);
    expect(cc!.usdPerResolved).toMatch(/0\.05/);
    expect(bash!.usdPerResolved).toMatch(/0\.04/);
    expect([cc!.tokensPerResolved, bash!.tokensPerResolved]).toEqual(['5.50k', '2.20k']);
  });

  it('is rendered only when some model ran under several agents', async () => {
    const { header, attempts } = run();
    const html = await renderReport(header, attempts);
    expect(html).toContain('id="agents"');
    expect(html).toContain('ds@claude-code');
    const single = await renderReport(makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('solo')] }), [makeAttempt('solo', 't1', 'resolved', 0.01)]);
    expect(single).not.toContain('id="agents"');
  });
});
