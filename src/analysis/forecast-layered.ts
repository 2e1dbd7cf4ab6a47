// The dry-run forecast of layered contenders from their parts' history (src/analysis/forecast.ts asks
// here when a contender has no stored attempt of its own): a live cascade (`run --cascade a,b`) from
// its stage models, a step route (models.yaml `routes:`) from its two models weighted by its policy.
// Pure; every assumption is returned as text for the CLI to print beside the figure.

/** What the forecast reads of a step route (models.yaml `routes:`, src/config/routes.ts's RouteSpec): its two catalog model ids and policy. */
export type RoutePolicy = { cheap: string; strong: string } & ({ policy: 'first-k'; k: number } | { policy: 'on-failure' } | { policy: 'random'; p: number });

/** Expected figures of one attempt of one contender on one task, and where they come from. */
export interface Estimate {
  promptTokens: number;
  outputTokens: number;
  calls: number;
  /** List USD at today's sheet; null when a price is unknown. */
  usd: number | null;
  /** `task`/`model`: stored attempts of the same task / other tasks; `prior`: no history; `parts`: from a cascade's stages or a route's models. */
  basis: 'task' | 'model' | 'prior' | 'parts';
  /** True when the prior entered the figure (directly, or through a part). */
  usesPrior: boolean;
}

/** The per-attempt estimate of a single model under an agent on a task (task mean, model mean, or prior). */
export type EstimateOf = (model: string, agent: string, task: string) => Estimate;

/** The history a cascade's escalation shares are read from. */
export interface StageHistory {
  model: string;
  agent: string;
  resolved?: boolean;
  stages?: { model: string; agent: string; passed: boolean | null }[];
}

/** Share (0..1) of a stage model's attempts that escalate to the next stage, and the evidence. */
export interface EscalationShare {
  share: number;
  source: string;
}

/**
 * Per stage model and agent, the share of attempts after which a cascade escalates: from stored
 * cascade stages of that model (passed false / passed checked), else from its single attempts (the
 * unresolved share: the hidden tests stand in for the run-time signal), else the worst case 1 (every
 * later stage always runs). O(history).
 */
export function escalationShares(history: readonly StageHistory[]): (model: string, agent: string) => EscalationShare {
  const stage = new Map<string, { esc: number; n: number }>();
  const single = new Map<string, { esc: number; n: number }>();
  const bump = (m: Map<string, { esc: number; n: number }>, k: string, esc: boolean) => {
    const v = m.get(k) ?? { esc: 0, n: 0 };
    v.n += 1;
    if (esc) v.esc += 1;
    m.set(k, v);
  };
  for (const h of history) {
    if (h.stages) for (const s of h.stages) if (s.passed !== null) bump(stage, `${s.model}\u0000${s.agent}`, !s.passed);
    if (!h.stages && h.resolved !== undefined) bump(single, `${h.model}\u0000${h.agent}`, !h.resolved);
  }
  return (model, agent) => {
    const k = `${model}\u0000${agent}`;
    const s = stage.get(k);
    if (s) return { share: s.esc / s.n, source: `${model} escalated in ${s.esc} of ${s.n} stored cascade stage(s)` };
    const a = single.get(k);
    if (a) return { share: a.esc / a.n, source: `${model} left ${a.esc} of ${a.n} stored attempt(s) unresolved (taken as its escalation share)` };
    return { share: 1, source: `no stored attempt of ${model}: worst case, every later stage runs` };
  };
}

const pct = (x: number) => `${Math.round(100 * x)}%`;

/**
 * A cascade attempt on `task`: the first stage always, stage i+1 weighted by the chance every stage
 * before it escalated (the product of their shares). Returns the estimate and the assumption stated.
 */
export function cascadeEstimate(stages: readonly { model: string; agent: string }[], task: string, est: EstimateOf, shareOf: (model: string, agent: string) => EscalationShare): { estimate: Estimate; assumption: string } {
  const out: Estimate = { promptTokens: 0, outputTokens: 0, calls: 0, usd: 0, basis: 'parts', usesPrior: false };
  let reach = 1;
  const said: string[] = [`${stages[0]!.model} always runs`];
  stages.forEach((s, i) => {
    if (i > 0) {
      const prev = shareOf(stages[i - 1]!.model, stages[i - 1]!.agent);
      reach *= prev.share;
      said.push(`${s.model} on ${pct(reach)} of attempts (${prev.source})`);
    }
    const e = est(s.model, s.agent, task);
    out.promptTokens += reach * e.promptTokens;
    out.outputTokens += reach * e.outputTokens;
    out.calls += reach * e.calls;
    out.usd = out.usd === null || e.usd === null ? null : out.usd + reach * e.usd;
    out.usesPrior ||= e.usesPrior;
  });
  return { estimate: out, assumption: `no stored attempt of this cascade: ${said.join('; ')}` };
}

/**
 * A step-routed attempt on `task`: a mix of the two models' per-attempt figures, the strong model's
 * weight its expected share of steps under the policy: `random` p; `first-k` the steps after k of the
 * expected calls (the mean of the two models' calls per attempt); `on-failure` an upper bound, every
 * step after the first (how often a command fails is not known before the run).
 */
export function routeEstimate(spec: RoutePolicy, task: string, est: EstimateOf): { estimate: Estimate; assumption: string } {
  const cheap = est(spec.cheap, 'bash', task);
  const strong = est(spec.strong, 'bash', task);
  const steps = Math.max(1, (cheap.calls + strong.calls) / 2);
  const share = spec.policy === 'random' ? spec.p : spec.policy === 'first-k' ? Math.max(0, steps - spec.k) / steps : (steps - 1) / steps;
  const mix = (a: number, b: number) => (1 - share) * a + share * b;
  const estimate: Estimate = {
    promptTokens: mix(cheap.promptTokens, strong.promptTokens),
    outputTokens: mix(cheap.outputTokens, strong.outputTokens),
    calls: mix(cheap.calls, strong.calls),
    usd: cheap.usd === null || strong.usd === null ? null : mix(cheap.usd, strong.usd),
    basis: 'parts',
    usesPrior: cheap.usesPrior || strong.usesPrior,
  };
  const why =
    spec.policy === 'random'
      ? `${spec.strong} on p=${spec.p} of steps`
      : spec.policy === 'first-k'
        ? `${spec.strong} on the steps after ${spec.k} of the ~${Math.round(steps)} calls an attempt of these models makes`
        : `${spec.strong} on every step after the first (upper bound: how often a command fails is unknown before the run)`;
  return { estimate, assumption: `no stored attempt of this route: a mix of ${spec.cheap} and ${spec.strong} per attempt, ${why}; tokens, calls and USD split in that ratio` };
}
