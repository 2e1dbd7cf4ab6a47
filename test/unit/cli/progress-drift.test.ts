// The per-attempt progress line flags a provider-reported cost more than 5% off the list price.
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../../src/cli/run.ts';
import { makeAttempt } from '../analysis/fixtures.ts';

describe('progressLine cost drift', () => {
  it('names the billed cost and the drift past 5%, and stays quiet within it', () => {
    const flagged = makeAttempt('m', 't1', 'resolved', 0.01, { billed_usd: 0.011, cost_drift: 0.1 });
    expect(progressLine(flagged, 1, 2)).toMatch(/provider billed \$0\.011\d*, \+10% vs list/);
    const within = makeAttempt('m', 't1', 'resolved', 0.01, { billed_usd: 0.0104, cost_drift: 0.04 });
    expect(progressLine(within, 1, 2)).not.toMatch(/provider billed/);
    const under = makeAttempt('m', 't1', 'resolved', 0.01, { billed_usd: 0.009, cost_drift: -0.1 });
    expect(progressLine(under, 1, 2)).toMatch(/-10% vs list/);
  });
});
