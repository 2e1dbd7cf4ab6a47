// `--shard i/n` (DESIGN.md §7): an attempt belongs to one shard, chosen by a stable hash of its key,
// so shards 1..n of a run are disjoint and together hold every attempt, on any machine.
import { createHash } from 'node:crypto';
import type { Shard } from './records.ts';

/** The shard (1-based, of `count`) of an attempt key: SHA-256 of the key, first 48 bits, modulo `count`. */
export function shardOfKey(key: string, count: number): number {
  const h = createHash('sha256').update(key).digest();
  return (h.readUIntBE(0, 6) % count) + 1;
}

/** True when `key` belongs to `shard` (always true without a shard). */
export function inShard(key: string, shard: Shard | null | undefined): boolean {
  return !shard || shardOfKey(key, shard.count) === shard.index;
}
