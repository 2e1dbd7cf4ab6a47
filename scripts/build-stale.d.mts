// Types of scripts/build-stale.mjs.
export const ROOT: string;
export const SRC: string;
export const DIST: string;
export const BUILD_STAMP: string;
/** Why dist/ must be rebuilt ('no build yet', or '<path> changed since the last build'), or null when it is current. */
export function buildStale(): string | null;
