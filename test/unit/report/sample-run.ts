// Synthetic run header and attempt records for report tests and the sample report: deterministic,
// with every case a report must show (unknown price, gold/noop, infra errors, tasks not run).
import type { Outcome } from '../../../src/core/outcome.ts';
import { zeroUsage, type TokenUsage } from '../../../src/core/usage.ts';
import type { AttemptRecord, Contender, RunHeader } from '../../../src/store/records.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../analysis/fixtures.ts';

const usage = (input: number, cached: number, output: number, reasoning = 0): TokenUsage => ({
  ...zeroUsage(),
  input_uncached: input,
  cache_read: cached,
  output,
  reasoning,
});

/**
 * A realistic small run: 8 tasks; five models in two regions (one with an unknown price), gold and
 * noop; one model stopped by the run budget before its last two tasks; one infra error; one skipped model.
 */
export function sampleRun(): { header: RunHeader; attempts: AttemptRecord[] } {
  const tasks = ['acme__parser-101', 'acme__parser-117', 'acme__cli-23', 'acme__cli-31', 'zeta__http-7', 'zeta__http-12', 'zeta__cache-4', 'zeta__cache-9'];
  const contenders: Contender[] = [
    modelContender('claude-sonnet-4.5', { vendor: 'Anthropic', region: 'US', name: 'Claude Sonnet 4.5', price: { input: '3', output: '15' } }),
    modelContender('gpt-5-mini', { vendor: 'OpenAI', region: 'US', price: { input: '0.25', output: '2' } }),
    modelContender('deepseek-v3.2', { vendor: 'DeepSeek', region: 'CN', price: { input: '0.28', output: '0.42' } }),
    modelContender('qwen3-coder', { vendor: 'Alibaba', region: 'CN', price: { input: '0.3', output: '1.2' } }),
    modelContender('glm-4.6', { vendor: 'Zhipu', region: 'CN', price: null }),
    referenceContender('gold'),
    referenceContender('noop'),
  ];
  // Outcome per task (same order as `tasks`) and list USD per attempt.
  const plan: Record<string, { outcomes: Array<Outcome | null>; usd: number | null; tokens: [number, number, number, number] }> = {
    'claude-sonnet-4.5': { outcomes: ['resolved', 'resolved', 'resolved', 'unresolved', 'resolved', 'resolved', 'patch_failed', 'resolved'], usd: 0.412, tokens: [38_000, 210_000, 6_200, 0] },
    'gpt-5-mini': { outcomes: ['resolved', 'unresolved', 'resolved', 'unresolved', 'resolved', 'empty_patch', 'resolved', 'timeout'], usd: 0.0387, tokens: [61_000, 120_000, 9_800, 5_100] },
    'deepseek-v3.2': { outcomes: ['resolved', 'unresolved', 'resolved', 'agent_error', 'resolved', 'unresolved', 'infra_error', 'resolved'], usd: 0.0123, tokens: [52_000, 140_000, 7_400, 0] },
    'qwen3-coder': { outcomes: ['resolved', 'unresolved', 'unresolved', 'unresolved', 'resolved', 'unresolved', null, null], usd: 0.0191, tokens: [48_000, 90_000, 5_900, 0] },
    'glm-4.6': { outcomes: ['resolved', 'resolved', 'unresolved', 'unresolved', 'resolved', 'unresolved', 'resolved', 'unresolved'], usd: null, tokens: [55_000, 100_000, 8_000, 2_000] },
    gold: { outcomes: tasks.map(() => 'resolved'), usd: 0, tokens: [0, 0, 0, 0] },
    noop: { outcomes: tasks.map(() => 'empty_patch'), usd: 0, tokens: [0, 0, 0, 0] },
  };
  const attempts: AttemptRecord[] = [];
  for (const c of contenders) {
    const p = plan[c.id]!;
    p.outcomes.forEach((outcome, i) => {
      if (outcome === null) return;
      const scale = 0.6 + ((i * 37) % 9) / 10;
      const [inp, cached, out, reasoning] = p.tokens;
      attempts.push(
        makeAttempt(c.id, tasks[i]!, outcome, p.usd === null ? null : Number((p.usd * scale).toFixed(6)), {
          agent: c.agent,
          usage: usage(Math.round(inp * scale), Math.round(cached * scale), Math.round(out * scale), Math.round(reasoning * scale)),
          calls: c.model ? Math.round(14 * scale) : 0,
          steps: c.model ? Math.round(14 * scale) : 0,
          wall_ms: c.model ? Math.round(95_000 * scale) : 4_000,
        }),
      );
    });
  }
  const header = makeHeader({
    status: 'budget_exhausted',
    note: 'run budget of $2 reached; 2 attempts not run',
    suite: { hash: '3b9f1c0e8a7d6b5c4a3f2e1d0c9b8a7f6e5d4c3b', instance_ids: tasks },
    contenders,
    skipped: [{ id: 'kimi-k2', reason: 'set OPENROUTER_API_KEY' }],
  });
  return { header, attempts };
}
