// Types of scripts/build-stale.mjs.
export const ROOT: string;
export const SRC: string;
export const DIST: string;
export const BUILD_STAMP: string;
/** Why dist/ must be rebuilt ('no build yet', or '<path> changed since the last build'), or null when it is current. */
export function buildStale(): string | null;
/** Content hash (sha256 hex) of src/ and the build inputs. */
export function sourceHash(): string;
/** Content hash (sha256 hex) of a built folder's files, the stamp excepted. */
export function distHash(dir?: string): string;
/** The start-up check of bin/fixbench.mjs. */
export function buildCheck(): { state: 'missing' | 'modified' | 'stale' | 'ok'; reason: string | null; buildHash: string | null };
/** Stat of every source and build input: `{[path relative to the package]: "size:mtimeMs:ctimeMs:ino" | "absent"}`. */
export function sourceStats(): Record<string, string>;
/** The stamp's source fields, taken before a build reads the sources: the stat record, its time (ms) and the content hash. */
export function sourceStampFields(): { src_stats: Record<string, string>; stats_at: number; src_hash: string };
