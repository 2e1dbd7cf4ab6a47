// The stricter-than-SWE-bench figure of a run (`resolved_strict`: tasks imported with
// `tasks import --compute-pass-to-pass`, src/evaluation/strict.ts): its own table per contender,
// beside (never inside) the resolved rate. Pure: header and records in, display rows out.
import type { AttemptRecord, RunHeader } from '../store/records.ts';
import { strictCounts } from '../evaluation/strict.ts';
import { wilsonInterval } from '../analysis/wilson.ts';
import { formatInt, formatPct } from './format.ts';

/** One contender's row: strict-resolved attempts of the graded attempts at tasks with the strict list, and the SWE-bench verdict on the same attempts. */
export interface StrictRow {
  id: string;
  /** "3 / 5". */
  strict: string;
  /** "60.0%". */
  rate: string;
  /** Wilson 95%, "23.1%–88.2%". */
  interval: string;
  /** SWE-bench resolved on the same attempts, "4 / 5", for comparison. */
  resolved: string;
}

/** The section's data; null when no record of the run has `resolved_strict` (then the page shows nothing). */
export interface StrictView {
  rows: StrictRow[];
  /** Tasks of the suite with a recorded strict verdict. */
  tasks: string;
}

/**
 * Per contender of `header` (in header order), the stricter variant over its graded attempts
 * (infra errors left out, as from every rate) at tasks whose records carry `resolved_strict`;
 * records of unknown contenders or tasks outside the suite are ignored. Null when there are none.
 */
export function strictView(header: Pick<RunHeader, 'contenders' | 'suite'>, attempts: readonly Pick<AttemptRecord, 'contender' | 'instance_id' | 'outcome' | 'resolved_strict'>[]): StrictView | null {
  const suite = new Set(header.suite.instance_ids);
  const known = new Set(header.contenders.map((c) => c.id));
  const counted = attempts.filter((a) => a.resolved_strict !== undefined && a.outcome !== 'infra_error' && suite.has(a.instance_id) && known.has(a.contender));
  if (!counted.length) return null;
  const strict = strictCounts(counted);
  const rows = header.contenders.flatMap((c): StrictRow[] => {
    const s = strict.get(c.id);
    if (!s) return [];
    const resolved = counted.filter((a) => a.contender === c.id && a.outcome === 'resolved').length;
    const w = wilsonInterval(s.strict, s.of);
    return [{ id: c.id, strict: `${formatInt(s.strict)} / ${formatInt(s.of)}`, rate: formatPct(s.strict / s.of), interval: w ? `${formatPct(w.low)}–${formatPct(w.high)}` : '—', resolved: `${formatInt(resolved)} / ${formatInt(s.of)}` }];
  });
  return { rows, tasks: formatInt(new Set(counted.map((a) => a.instance_id)).size) };
}
