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
