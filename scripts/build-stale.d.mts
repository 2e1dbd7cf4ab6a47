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
/** The start-up check of bin/fixbench.mjs; `strict` (run, eval, merge): a stamp without content hashes is `modified`. */
export function buildCheck(opts?: { strict?: boolean; keep?: string[] }): { state: 'missing' | 'modified' | 'stale' | 'ok'; reason: string | null; buildHash: string | null; kept?: Map<string, Buffer | null> };
/** Stat of every source and build input: `{[path relative to the package]: "size:mtimeMs:ctimeMs:ino" | "absent"}`. */
export function sourceStats(): Record<string, string>;
/** The stamp's source fields, taken before a build reads the sources: the stat record, its time (ms) and the content hash. */
export function sourceStampFields(): { src_stats: Record<string, string>; stats_at: number; src_hash: string };
/** Every file under `dir`, as sorted paths relative to it. */
export function filesUnder(dir: string): string[];
/** The first entry under `dir` (sorted walk, relative path) that is neither a regular file nor a folder, or null. */
export function strayEntry(dir: string): string | null;
/** One walk of `dir`: its regular files (sorted relative paths, as `filesUnder`) and the first entry that is neither a file nor a folder (as `strayEntry`), or null. */
export function scanTree(dir: string): { files: string[]; stray: string | null };
