// One colour per model across every chart of a run and of the site: a colour is picked from a fixed
// 20-colour palette by a hash of the model id, so the same id gets the same colour wherever it is
// drawn; two ids of one chart set that land on the same colour are moved to the next free one.

/** Tableau 20, light and dark pairs interleaved so neighbours differ. */
export const PALETTE = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#a0cbe8', '#ffbe7d', '#ff9d9a', '#86bcb6', '#8cd17d', '#f1ce63', '#d4a6c8', '#fabfd2', '#d7b5a6', '#79706e',
] as const;

/** FNV-1a 32-bit hash of a string (stable across runs and platforms). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Colour (CSS hex) of each id: `PALETTE[hash(id) mod 20]`, or on a clash within `ids` the next
 * free palette entry, ids taken in sorted order (so the result does not depend on input order).
 * Beyond 20 ids colours repeat.
 */
export function modelColours(ids: Iterable<string>): Map<string, string> {
  const sorted = [...new Set(ids)].sort();
  const used = new Set<number>();
  const out = new Map<string, string>();
  for (const id of sorted) {
    let slot = fnv1a(id) % PALETTE.length;
    for (let k = 0; k < PALETTE.length && used.has(slot); k++) slot = (slot + 1) % PALETTE.length;
    if (used.size < PALETTE.length) used.add(slot);
    out.set(id, PALETTE[slot]!);
  }
  return out;
}
