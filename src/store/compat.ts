// Resume (DESIGN.md §7): a stored run may be continued only with the configuration that made its
// attempt keys, else the keys of the two halves would not mean the same attempts. Pure.
import type { RunHeader } from './records.ts';

/**
 * Differences between a stored run header and the header a resume would write, one phrase each
 * ("task suite hash 1a2b… (stored) ≠ 3c4d… (now)"); empty when the run may be resumed.
 * Compared: task suite (hash and ids), contenders (id, agent, upstream model, price row), limits,
 * attempts per task, --rerun-failed, shard, price sheet file and format version.
 */
export function resumeMismatches(stored: RunHeader, now: RunHeader): string[] {
  const out: string[] = [];
  const diff = (what: string, a: unknown, b: unknown) => {
    const sa = JSON.stringify(a ?? null);
    const sb = JSON.stringify(b ?? null);
    if (sa !== sb) out.push(`${what}: ${clip(sa)} (stored) ≠ ${clip(sb)} (now)`);
  };
  diff('format_version', stored.format_version, now.format_version);
  diff('task suite hash', stored.suite.hash, now.suite.hash);
  diff('task ids', stored.suite.instance_ids, now.suite.instance_ids);
  const contender = (c: RunHeader['contenders'][number]) => ({ id: c.id, agent: c.agent, upstream: c.upstream, price: c.price });
  diff('contenders', stored.contenders.map(contender), now.contenders.map(contender));
  diff('limits', stored.limits, now.limits);
  diff('attempts per task', stored.attempts_per_task, now.attempts_per_task);
  diff('--rerun-failed', stored.rerun_failed, now.rerun_failed);
  diff('shard', stored.shard, now.shard);
  diff('price sheet', stored.price_sheet.file, now.price_sheet.file);
  return out;
}

const clip = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);
