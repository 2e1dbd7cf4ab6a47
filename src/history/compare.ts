// Comparing two runs (DESIGN.md §8, §10 `compare`): per contender in both runs, the tasks that
// flipped, the change in resolved rate with McNemar's exact paired test, and the change in cost;
// then the configured gates. Pure.
import type { AttemptRecord, RunHeader } from '../store/records.ts';
import type { StoredRun } from '../store/store.ts';
import { mcnemarExact } from '../analysis/mcnemar.ts';
import { configDiff } from '../config/run-config-diff.ts';

/** Gates of `fixbench compare`; an absent gate is not checked. */
export interface Gates {
  /** Fail when a resolved rate drops by more than this many percentage points. */
  maxDropPp?: number;
  /** Fail when mean USD per attempt rises by more than this percent. */
  maxCostIncreasePct?: number;
  /** Fail when a drop is significant at this level (McNemar exact, two-sided). */
  significantDrop?: number;
}

export interface ContenderComparison {
  id: string;
  /** Pairs (instance_id, attempt) recorded in both runs, neither an infra_error. */
  pairs: number;
  /** Pairs left out because either side was an infra_error (not the model's failure). */
  excludedInfra: number;
  /** The contender's records on the tasks in both suites, per run, and how many of them are infra_error: why there may be no pair. */
  recorded: { base: number; head: number };
  infraErrors: { base: number; head: number };
  baseResolved: number;
  headResolved: number;
  /** Resolved rates over `pairs`, 0..1 (null without pairs). */
  baseRate: number | null;
  headRate: number | null;
  /** headRate − baseRate in percentage points. */
  deltaPp: number | null;
  /** Resolved in base, not in head ("instance_id#attempt"). */
  regressions: string[];
  /** Resolved in head, not in base. */
  fixes: string[];
  /** McNemar exact two-sided p-value over the discordant pairs; null without pairs (nothing was tested). */
  pValue: number | null;
  /** Mean list USD per attempt over the pairs; null when any cost is unknown or there are no pairs. */
  baseUsd: number | null;
  headUsd: number | null;
  /** Percent change of mean USD per attempt; null when unknown or the base is 0. */
  costChangePct: number | null;
  /**
   * How the contender's configuration (RunConfig entry, limits, re-runs) changed from base to head,
   * one `field: base → head` line each; [] = same `config_hash`; null = a run predates RunConfig.
   */
  configChanges: string[] | null;
  /** True when it drives no model in either run (gold, noop, a predictions label): no model cost, so no cost gate. */
  modelless?: boolean;
}

/** The configuration changes of contender `id` between two run headers (see `ContenderComparison.configChanges`). */
export function contenderConfigChanges(base: RunHeader, head: RunHeader, id: string): string[] | null {
  if (!base.config || !head.config) return null;
  const hash = (h: RunHeader) => h.contenders.find((c) => c.id === id)?.config_hash;
  if (hash(base) !== undefined && hash(base) === hash(head)) return [];
  const view = (h: RunHeader) => ({ ...h.config!.contenders.find((c) => c.id === id), limits: h.config!.limits, rerun_failed: h.config!.rerun_failed });
  return configDiff(view(base), view(head));
}

/** Which run a side of a comparison is: id, suite hash, start (ISO), run.json `status`, and the attempt records it holds. */
export interface ComparedRun {
  run_id: string;
  suite: string;
  started_at: string;
  status: RunHeader['status'];
  attempts: number;
  /** Priced with an illustrative sheet (made-up prices): its USD figures are labelled so (src/pricing/illustrative.ts). */
  illustrative?: true;
}

export interface Comparison {
  base: ComparedRun;
  head: ComparedRun;
  sameSuite: boolean;
  /** Tasks in both suites. */
  commonTasks: number;
  contenders: ContenderComparison[];
  /** Contender ids in only one of the runs. */
  onlyInBase: string[];
  onlyInHead: string[];
  /** Gate failures, one sentence each; empty = no configured gate failed (see `notEvaluable` for those not checked). */
  failures: string[];
}

/** A configured gate that could not be checked: for one contender, or (`contender` null) for the whole comparison. */
export interface NotEvaluable {
  gate: '--max-drop' | '--significant-drop' | '--max-cost-increase';
  contender: string | null;
  /** Why, e.g. `no pair: 3 infra_error in head`, `head cost unknown`, `no model contender in both runs`. */
  why: string;
}

const pairKey = (r: AttemptRecord) => `${r.instance_id}#${r.attempt}`;

/** Compares `head` against `base` and checks `gates`. */
export function compareRuns(base: StoredRun, head: StoredRun, gates: Gates = {}): Comparison {
  const common = new Set(base.header.suite.instance_ids.filter((id) => head.header.suite.instance_ids.includes(id)));
  const ids = (h: RunHeader) => h.contenders.map((c) => c.id);
  const baseIds = ids(base.header);
  const headIds = ids(head.header);
  const contenders: ContenderComparison[] = [];
  const failures: string[] = [];
  for (const id of baseIds.filter((x) => headIds.includes(x))) {
    const index = (run: StoredRun) => new Map(run.attempts.filter((r) => r.contender === id && common.has(r.instance_id)).map((r) => [pairKey(r), r]));
    const b = index(base);
    const h = index(head);
    let pairs = 0, excludedInfra = 0, baseResolved = 0, headResolved = 0;
    const regressions: string[] = [];
    const fixes: string[] = [];
    const bUsd: (number | null)[] = [];
    const hUsd: (number | null)[] = [];
    for (const [k, rb] of [...b].sort(([x], [y]) => x.localeCompare(y))) {
      const rh = h.get(k);
      if (!rh) continue;
      if (rb.outcome === 'infra_error' || rh.outcome === 'infra_error') {
        excludedInfra++;
        continue;
      }
      pairs++;
      const rbOk = rb.outcome === 'resolved';
      const rhOk = rh.outcome === 'resolved';
      if (rbOk) baseResolved++;
      if (rhOk) headResolved++;
      if (rbOk && !rhOk) regressions.push(k);
      if (!rbOk && rhOk) fixes.push(k);
      bUsd.push(rb.list_usd);
      hUsd.push(rh.list_usd);
    }
    const mean = (xs: (number | null)[]) => (xs.length && xs.every((x) => x !== null) ? (xs as number[]).reduce((s, x) => s + x, 0) / xs.length : null);
    const baseRate = pairs ? baseResolved / pairs : null;
    const headRate = pairs ? headResolved / pairs : null;
    const count = (m: Map<string, AttemptRecord>) => ({ all: m.size, infra: [...m.values()].filter((r) => r.outcome === 'infra_error').length });
    const baseUsd = mean(bUsd);
    const headUsd = mean(hUsd);
    const c: ContenderComparison = {
      id, pairs, excludedInfra,
      recorded: { base: count(b).all, head: count(h).all },
      infraErrors: { base: count(b).infra, head: count(h).infra },
      baseResolved, headResolved, baseRate, headRate,
      deltaPp: baseRate === null || headRate === null ? null : (headRate - baseRate) * 100,
      regressions, fixes,
      pValue: pairs ? mcnemarExact(regressions.length, fixes.length) : null,
      baseUsd, headUsd,
      costChangePct: baseUsd === null || headUsd === null || baseUsd === 0 ? null : ((headUsd - baseUsd) / baseUsd) * 100,
      configChanges: contenderConfigChanges(base.header, head.header, id),
      ...([base, head].every((r) => r.header.contenders.find((x) => x.id === id)?.model === null) ? { modelless: true } : {}),
    };
    contenders.push(c);
    if (gates.maxDropPp !== undefined && c.deltaPp !== null && -c.deltaPp > gates.maxDropPp + 1e-9) {
      failures.push(`${id}: resolved rate fell ${(-c.deltaPp).toFixed(1)} pp (${pct(baseRate)} → ${pct(headRate)}), more than --max-drop ${gates.maxDropPp} pp; regressed: ${c.regressions.join(', ')}`);
    }
    if (gates.significantDrop !== undefined && c.pValue !== null && c.regressions.length > c.fixes.length && c.pValue < gates.significantDrop) {
      failures.push(`${id}: significant drop (McNemar exact p = ${c.pValue.toPrecision(3)} < ${gates.significantDrop}; ${c.regressions.length} regressed, ${c.fixes.length} fixed)`);
    }
    if (gates.maxCostIncreasePct !== undefined && c.costChangePct !== null && c.costChangePct > gates.maxCostIncreasePct + 1e-9) {
      failures.push(`${id}: mean USD per attempt rose ${c.costChangePct.toFixed(1)}% ($${c.baseUsd!.toFixed(4)} → $${c.headUsd!.toFixed(4)}), more than --max-cost-increase ${gates.maxCostIncreasePct}%`);
    }
  }
  const who = (r: StoredRun): ComparedRun => ({ run_id: r.header.run_id, suite: r.header.suite.hash, started_at: r.header.started_at, status: r.header.status, attempts: r.attempts.length, ...(r.header.price_sheet.illustrative ? { illustrative: true as const } : {}) });
  return {
    base: who(base),
    head: who(head),
    sameSuite: base.header.suite.hash === head.header.suite.hash,
    commonTasks: common.size,
    contenders,
    onlyInBase: baseIds.filter((x) => !headIds.includes(x)),
    onlyInHead: headIds.filter((x) => !baseIds.includes(x)),
    failures,
  };
}

/**
 * The configured gates (`gates`) that could not be checked, first those no contender could be checked
 * against (`--max-cost-increase`, contender null, `no model contender in both runs`; `--max-drop` and
 * `--significant-drop`, `no contender in both runs`), then per contender: `--max-drop` and
 * `--significant-drop` without a pair (`noPairWhy`), `--max-cost-increase` without a cost change
 * (`costNaWhy`; never for a contender that drives no model: it has no model cost to gate). A gate not
 * evaluable is not a gate that holds, nor one that fails.
 */
export function notEvaluable(c: Pick<Comparison, 'contenders'>, gates: Gates): NotEvaluable[] {
  const out: NotEvaluable[] = [];
  const none = !c.contenders.length;
  if (gates.maxDropPp !== undefined && none) out.push({ gate: '--max-drop', contender: null, why: 'no contender in both runs' });
  if (gates.significantDrop !== undefined && none) out.push({ gate: '--significant-drop', contender: null, why: 'no contender in both runs' });
  if (gates.maxCostIncreasePct !== undefined && c.contenders.every((x) => x.modelless)) out.push({ gate: '--max-cost-increase', contender: null, why: 'no model contender in both runs' });
  for (const x of c.contenders) {
    if (gates.maxDropPp !== undefined && !x.pairs) out.push({ gate: '--max-drop', contender: x.id, why: noPairWhy(x) });
    if (gates.significantDrop !== undefined && !x.pairs) out.push({ gate: '--significant-drop', contender: x.id, why: noPairWhy(x) });
    if (gates.maxCostIncreasePct !== undefined && x.costChangePct === null && !x.modelless) out.push({ gate: '--max-cost-increase', contender: x.id, why: costNaWhy(x) });
  }
  return out;
}

/** `notEvaluable` as phrases, e.g. `gpt-x: --significant-drop (no pair: 3 infra_error in head)`, `--max-cost-increase (no model contender in both runs)`. */
export function unevaluableGates(c: Pick<Comparison, 'contenders'>, gates: Gates): string[] {
  return notEvaluable(c, gates).map((u) => `${u.contender === null ? '' : `${u.contender}: `}${u.gate} (${u.why})`);
}

/** Why a contender has no pair: per run (head first), `nothing recorded in <run>` or `<n> infra_error in <run>`; else the two runs recorded different attempts. */
export function noPairWhy(x: Pick<ContenderComparison, 'recorded' | 'infraErrors'>): string {
  const sides = (['head', 'base'] as const).flatMap((side) => (!x.recorded[side] ? [`nothing recorded in ${side}`] : x.infraErrors[side] ? [`${x.infraErrors[side]} infra_error in ${side}`] : []));
  return `no pair: ${sides.length ? sides.join(', ') : 'no (task, attempt) recorded in both runs'}`;
}

/**
 * Why a contender's cost change is n/a, naming the side: no pair (`noPairWhy`), `base and head cost
 * unknown`, `head cost unknown`, `base cost unknown` (a paired attempt of that run has no known USD),
 * or `base $0` (no percent change from zero).
 */
export function costNaWhy(x: Pick<ContenderComparison, 'pairs' | 'recorded' | 'infraErrors' | 'baseUsd' | 'headUsd'>): string {
  if (!x.pairs) return `cost Δ n/a: ${noPairWhy(x)}`;
  if (x.baseUsd === null && x.headUsd === null) return 'cost Δ n/a: base and head cost unknown';
  if (x.headUsd === null) return 'cost Δ n/a: head cost unknown';
  if (x.baseUsd === null) return 'cost Δ n/a: base cost unknown';
  return 'cost Δ n/a: base $0';
}

export const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/**
 * One sentence per compared run that did not finish (`running`, `interrupted`, `budget_exhausted`,
 * `failed`): its pairs cover only the attempts it recorded, so its rates and flips are partial.
 * Empty when both finished.
 */
export function unfinishedRuns(c: Pick<Comparison, 'base' | 'head'>): string[] {
  return (['base', 'head'] as const)
    .filter((side) => c[side].status !== 'finished')
    .map((side) => `${side} ${c[side].run_id} is ${c[side].status.replace('_', ' ')} (${c[side].attempts} attempt(s) recorded): only the attempts it recorded are compared`);
}

/**
 * What makes a comparison check less than both runs' whole suites, each a phrase for
 * `compare --require-evaluable`: a run that did not finish (`unfinishedRuns`), suites that differ
 * (`suites differ: N task(s) in both`), and per contender the pairs left out for an infra_error and
 * the attempts one run recorded and the other did not (a merge with a shard missing: atkF21 E)
 * (`m1: 2 pair(s) left out for infra_error`: the gates held over the rest only; a contender with no pair
 * at all is `notEvaluable`'s). Empty when none.
 */
export function incompleteComparison(c: Pick<Comparison, 'base' | 'head' | 'sameSuite' | 'commonTasks' | 'contenders'>): string[] {
  return [
    ...unfinishedRuns(c),
    ...(c.sameSuite ? [] : [`suites differ: ${c.commonTasks} task(s) in both`]),
    ...c.contenders.filter((x) => x.excludedInfra > 0 && x.pairs > 0).map((x) => `${x.id}: ${x.excludedInfra} pair(s) left out for infra_error`),
    // an attempt one run recorded and the other did not (a merge with a shard missing, a cut run): the gates held over the pairs only
    ...c.contenders.filter((x) => x.pairs > 0 && Math.max(x.recorded.base, x.recorded.head) > x.pairs + x.excludedInfra).map((x) => `${x.id}: ${Math.max(x.recorded.base, x.recorded.head) - x.pairs - x.excludedInfra} attempt(s) recorded in one run only`),
  ];
}
