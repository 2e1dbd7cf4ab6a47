// A resume or merge is refused whenever the two run configuration hashes differ, even when the field
// diff finds nothing to show (a defence behind configDiff: attacker finding F1).
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../../src/config/run-config-diff.ts', () => ({ configDiff: () => [] }));
const { resumeMismatches, harnessChange } = await import('../../../src/store/compat.ts');
const { RunConfig, runConfigHash } = await import('../../../src/config/run-config.ts');
const { makeHeader } = await import('../analysis/fixtures.ts');

const config = RunConfig.parse({
  config_version: 1, contenders: [{ kind: 'reference' as const, id: 'gold' as const }],
  limits: { steps: 40, attempt_usd: 0.5, wall_ms: 1_200_000, command_timeout_ms: 60_000, output_chars: 10_000, format_errors: 3 },
  run_budget: { usd: 2, tokens: null }, attempts_per_task: 1, rerun_failed: 0,
  price_sheet: { file: 'p.yaml', content_hash: 'h', as_of: '2026-04-01', source: 's' },
});

describe('resumeMismatches with a field diff that comes out empty', () => {
  it('refuses differing configuration hashes with one line naming both', () => {
    const stored = makeHeader({ config });
    const now = makeHeader({ config: { ...config, limits: { ...config.limits, steps: 41 } } });
    expect(resumeMismatches(stored, now)).toEqual([`config: configuration hash ${runConfigHash(stored.config!)} → ${runConfigHash(now.config!)} (a difference no field line shows)`]);
    expect(resumeMismatches(stored, makeHeader({ config: structuredClone(config) }))).toEqual([]);
  });
});

describe('harnessChange', () => {
  it('warns (does not refuse) when the fixbench version or commit differs', () => {
    const h = makeHeader({ config });
    expect(harnessChange(h, h)).toBeNull();
    expect(harnessChange(h, { ...h, harness: { version: '9.9.9', commit: null } })).toMatch(/written by fixbench .* this is fixbench 9\.9\.9/);
  });
});
