// Stable identifiers: run ids and attempt keys.
import { createHash } from 'node:crypto';

/** SHA-256 hex of the JSON of `parts` (stable: callers pass plain values in a fixed order). */
export function stableHash(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * Attempt key (DESIGN.md §7): hash of task, agent config and attempt index, 16 hex chars.
 * The same task, model/agent config and index give the same key in every run (resume, shards).
 */
export function attemptKey(instanceId: string, agentConfig: unknown, attempt: number): string {
  return stableHash(instanceId, agentConfig, attempt).slice(0, 16);
}

/** Run id: UTC timestamp plus a short random suffix, e.g. `20261129T080102Z-3f9a`; sorts by time. */
export function newRunId(now = new Date()): string {
  const ts = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${ts}-${Math.random().toString(16).slice(2, 6)}`;
}
