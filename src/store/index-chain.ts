// The hash chain of the sidecar index attempts.index.jsonl (docs/store-format.md): how its lines'
// `chain` members are computed and checked. Owned with src/store/attempt-index.ts. Pure.
import { createHash, type Hash } from 'node:crypto';

/** Characters after a line's chained text: `"<16 hex>"]`. */
export const CHAIN_TAIL = 19;
/**
 * The hash chain (tamper evidence against hand edits, not a signature: anyone who can write the run
 * folder can also rewrite attempts.jsonl, the record). A line's `chain` is the first 16 hex digits
 * of SHA-256 over the sidecar's bytes after its version line up to that `chain` member (every
 * earlier line whole, then this line's `[<16 members>,`). The writer keeps the running hash, so an
 * append never rewrites earlier bytes and each line's value stands for the sidecar up to it; a
 * reader hashes the sidecar once and checks the last line's value: any line edited, removed or
 * moved changes it. Sidecar state: a `Hash` over every byte after the version line.
 */
export const newIndexChain = (): Hash => createHash('sha256');

/**
 * The running hash of a sidecar's `bytes` (everything after its version line) and whether its last
 * line's `chain` member is the hash up to that member (vacuously true with no entry line; a sidecar
 * whose lines fail other checks is rejected by those).
 */
export function sealOf(bytes: Buffer): { chain: Hash; ok: boolean } {
  const chain = newIndexChain();
  const body = bytes.indexOf(0x0a) + 1;
  if (body === 0 || body >= bytes.length) return { chain, ok: true };
  const tail = bytes.length - 1 - CHAIN_TAIL; // the `"` opening the last line's chain member
  if (tail <= body || bytes[tail] !== 0x22) return { chain, ok: false };
  chain.update(bytes.subarray(body, tail));
  const ok = chain.copy().digest('hex').slice(0, 16) === bytes.toString('latin1', tail + 1, tail + 17);
  chain.update(bytes.subarray(tail));
  return { chain, ok };
}
