// Stable identifiers: run ids, attempt keys and the canonical hash of configurations.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * SHA-256 hex of the JSON of `parts` as given (key order matters). For ids built from plain values
 * in a fixed order (suite hash, cache keys); configurations use `canonicalHash`.
 */
export function stableHash(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * SHA-256 hex (64 chars) of the RFC 8785 (JCS) canonical JSON of `value`: object key order does not
 * matter, `undefined` members are left out, numbers are written in their shortest form.
 * @throws TypeError for a value JSON cannot hold (NaN, Infinity, a function, a bigint, undefined).
 */
export function canonicalHash(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('canonicalHash: the value has no JSON form (undefined or a function)');
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Attempt key (DESIGN.md §7), 16 hex chars: canonical hash of the task, the contender's
 * configuration (its `config_hash`, plus anything per task such as a predicted patch's hash) and
 * the attempt index. The same task, configuration and index give the same key in every run (resume,
 * shards), whatever the key order of models.yaml.
 */
export function attemptKey(instanceId: string, agentConfig: unknown, attempt: number): string {
  return canonicalHash({ instance_id: instanceId, config: agentConfig, attempt }).slice(0, 16);
}

/** Run id: UTC timestamp plus a short random suffix, e.g. `20261129T080102Z-3f9a`; sorts by time. */
export function newRunId(now = new Date()): string {
  const ts = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${ts}-${Math.random().toString(16).slice(2, 6)}`;
}
