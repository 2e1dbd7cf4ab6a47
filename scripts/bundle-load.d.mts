// Types of scripts/bundle-load.mjs (the start-up bundle's loader), for the TypeScript that imports it (the tests).
import type { Script } from 'node:vm';
/** The bundle and its V8 code cache, relative to dist/. */
export const BUNDLE_FILE: string;
export const CODE_CACHE_FILE: string;
/** The bundle's text as the script V8 compiles: one strict-mode function over Node's CommonJS parameters and the bundle's `import.meta.url`. */
export function wrapBundle(code: string): string;
/** Compiles (with `cachedData` when given) and runs the bundle; `rejected`: V8 refused `cachedData` and compiled without it. */
export function loadBundle(code: string | Buffer, file: string, cachedData?: Buffer, shownAs?: string): { exports: Record<string, unknown>; script: Script; rejected: boolean };
/** V8's interrupt budget (bytes) `tierUpLater` sets: 4 × Node 20's default. */
export const GRADING_INTERRUPT_BUDGET: number;
/** The commands `tierUpLater` raises the budget for. */
export const TIER_UP_LATER_COMMANDS: readonly string[];
/** Raises V8's interrupt budget (functions optimised later: only the hot ones) for a grading command; true when it did. Call after `loadBundle`. */
export function tierUpLater(command: string | undefined): boolean;
