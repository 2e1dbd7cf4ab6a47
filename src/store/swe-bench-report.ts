// The attempt record in the shape of SWE-bench's per-instance `report.json` (logs/<…>/report.json).
import type { AttemptRecord } from '../core/records.ts';

/** The attempt in the shape of SWE-bench's per-instance `report.json`. */
export function sweBenchReport(r: AttemptRecord): Record<string, unknown> {
  return {
    [r.instance_id]: {
      patch_is_None: r.model_patch === '',
      patch_exists: r.model_patch !== '',
      patch_successfully_applied: r.apply_strategy !== null,
      resolved: r.outcome === 'resolved',
      tests_status: r.tests_status ?? undefined,
    },
  };
}
