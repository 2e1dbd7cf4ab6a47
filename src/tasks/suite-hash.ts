// A task suite's identity: one hash over every task's content, so runs on the same suite can be compared.
import type { TaskSpec } from '../config/task.ts';
import { stableHash } from '../core/ids.ts';

/** SHA-256 (hex, 16 chars) of every task's fields and texts, in instance_id order; `dir` excluded. */
export function suiteHash(tasks: TaskSpec[]): string {
  const parts = [...tasks]
    .sort((a, b) => a.instance_id.localeCompare(b.instance_id))
    .map(({ dir: _dir, ...rest }) => rest);
  return stableHash(parts).slice(0, 16);
}
