// The report's agent dimension (issue 20.6): the same model under different agents side by side —
// resolved rate, USD, calls and tokens per resolved task — so a report answers "which tool, with
// which model". Pure: contender summaries in, display strings out.
import type { ContenderSummary } from '../analysis/leaderboard.ts';
import { formatInt, formatPct, formatTokens, formatUsd } from './format.ts';

export interface AgentRow {
  agent: string;
  /** The contender id (`<model>` for the built-in bash agent, `<model>@<agent>` otherwise). */
  contender: string;
  resolved: string;
  rate: string;
  usd: string;
  usdPerResolved: string;
  calls: string;
  callsPerResolved: string;
  tokensPerResolved: string;
  /** Best resolved rate among this model's agents (ties all marked). */
  best: boolean;
}

export interface AgentComparison {
  /** The models.yaml model id. */
  model: string;
  rows: AgentRow[];
}

const REFERENCE = new Set(['gold', 'noop', 'predictions']);

/** The model id a model contender was run for: its id without the `@<agent>` suffix of an external agent. */
export function baseModelId(s: Pick<ContenderSummary, 'id' | 'agent'>): string {
  const suffix = `@${s.agent}`;
  return s.agent !== 'bash' && s.id.endsWith(suffix) ? s.id.slice(0, -suffix.length) : s.id;
}

/**
 * One comparison per model run under two or more agents, models in first-seen order, each model's
 * agents by resolved rate (best first), then USD. Empty when no model ran under several agents.
 */
export function agentComparisons(summaries: readonly ContenderSummary[]): AgentComparison[] {
  const groups = new Map<string, ContenderSummary[]>();
  for (const s of summaries) {
    if (REFERENCE.has(s.agent) || s.model === null) continue;
    const key = baseModelId(s);
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const out: AgentComparison[] = [];
  for (const [model, list] of groups) {
    if (new Set(list.map((s) => s.agent)).size < 2) continue;
    const sorted = [...list].sort((a, b) => (b.resolvedRate ?? -1) - (a.resolvedRate ?? -1) || (a.totalUsd ?? Infinity) - (b.totalUsd ?? Infinity));
    const top = sorted[0]!.resolvedRate;
    out.push({
      model,
      rows: sorted.map((s) => {
        const tokens = s.tokens.input + s.tokens.output;
        const per = (n: number | null, f: (x: number) => string) => (n !== null && s.resolved > 0 ? f(n / s.resolved) : '—');
        return {
          agent: s.agent,
          contender: s.id,
          resolved: `${formatInt(s.resolved)}/${formatInt(s.trials)}`,
          rate: s.resolvedRate === null ? '—' : formatPct(s.resolvedRate),
          usd: formatUsd(s.totalUsd),
          usdPerResolved: formatUsd(s.usdPerResolved),
          calls: formatInt(s.calls),
          callsPerResolved: per(s.calls, (x) => x.toFixed(1)),
          tokensPerResolved: per(tokens, formatTokens),
          best: top !== null && s.resolvedRate === top,
        };
      }),
    });
  }
  return out;
}
